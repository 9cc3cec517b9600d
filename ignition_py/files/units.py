"""systemd units: files in /etc/systemd/system, drop-ins in NAME.d/, masks (a link to
/dev/null), and `enable`/`disable` lines in /etc/systemd/system-preset/20-ignition.preset,
which systemd's first-boot `preset-all` turns into enablement. Instances of one template
share a line: `enable foo@.service a b`. Lines are sorted as upstream sorts them, and a
`disable` line is written only for a unit that is enabled now (see PresetAction)."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Sequence
from pathlib import Path

from ..config.model import Systemd, Unit
from ..errors import IgnitionError
from ..frozen import frozen_model, replace
from ..log import Logger
from ..plan_tools import missing_on_path
from ..stage import Action
from ..system.fs_writes import (
    DEFAULT_FILE_MODE,
    append_bytes,
    new_symlink,
    remove_node,
)
from .command_action import operand
from .write_context import WriteContext, os_failure

UNITS_DIR = "/etc/systemd/system"
PRESET_PATH = "/etc/systemd/system-preset/20-ignition.preset"


@frozen_model
class UnitFileAction:
    """A unit or drop-in file, always replaced (0644, root)."""

    ctx: WriteContext
    unit: str
    dropin: str | None
    contents: str

    def _parts(self) -> tuple[str, ...]:
        if self.dropin is None:
            return (UNITS_DIR, self.unit)
        return (UNITS_DIR, f"{self.unit}.d", self.dropin)

    def describe(self) -> str:
        what = f'unit "{self.unit}"' if self.dropin is None else f'systemd drop-in "{self.dropin}"'
        return f'writing {what} at "{self.ctx.path(*self._parts())}"'

    def apply(self, log: Logger) -> None:
        path = self.ctx.path(*self._parts())
        try:
            self.ctx.refuse_root(path, f'failed to write unit "{self.unit}"')
            data = self.contents.encode()
            self.ctx.write_file(
                path, [lambda: io.BytesIO(data)], uid=0, gid=0, mode=DEFAULT_FILE_MODE
            )
        except OSError as err:
            raise os_failure(f'failed to write unit "{self.unit}"', err) from err


@frozen_model
class MaskAction:
    ctx: WriteContext
    unit: str
    mask: bool

    def describe(self) -> str:
        return f'{"masking" if self.mask else "unmasking"} unit "{self.unit}"'

    def apply(self, log: Logger) -> None:
        path = self.ctx.path(UNITS_DIR, self.unit)
        try:
            self.ctx.refuse_root(path, f'failed to mask unit "{self.unit}"')
            if self.mask:
                self.ctx.make_parents(path)
                new_symlink(path, "/dev/null")
                self.ctx.reshaped()
            elif _is_masked(path):
                remove_node(path)
                self.ctx.reshaped()
        except OSError as err:
            verb = "mask" if self.mask else "unmask"
            raise os_failure(f'failed to {verb} unit "{self.unit}"', err) from err


def _is_masked(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode) and os.readlink(path) == "/dev/null"
    except FileNotFoundError:
        return False


@frozen_model
class Preset:
    unit: str  # the unit, or the template (foo@.service) of instances
    enabled: bool
    instances: tuple[str, ...] | None = None  # None: not a template

    @property
    def key(self) -> str:
        """Upstream's map key, which also orders the lines: `foo@.service-enabled`."""
        return f"{self.unit}-{'enabled' if self.enabled else 'disabled'}"

    def units(self) -> str:
        """Upstream's unitString: `foo.service`, or `foo@.service a b` for instances."""
        return " ".join([self.unit, *self.instances]) if self.instances is not None else self.unit

    def with_instance(self, instance: str) -> Preset:
        return replace(self, instances=(*(self.instances or ()), instance))

    def line(self) -> str:
        return f"{'enable' if self.enabled else 'disable'} {self.units()}"


@frozen_model
class PresetAction:
    """One preset line, appended, as upstream's EnableUnit/DisableUnit: a unit to disable
    gets its line, after its enablement links are removed, only when `systemctl
    is-enabled` says it is enabled (a unit that is missing or not enabled is left alone,
    and so are instances: upstream asks about `foo@.service a b` as one name).
    `systemctl` False: the plan found none to ask, so a disable does nothing (v2.26.0
    takes the failed exec for "not enabled"). `asked_with`: the units of the disables
    after this one, asked about in the same systemctl call (see WriteContext.is_enabled)."""

    ctx: WriteContext
    preset: Preset
    systemctl: bool = True
    asked_with: tuple[str, ...] = ()

    def describe(self) -> str:
        if not self.preset.enabled and not self.systemctl:
            return (
                f'leaving "{self.preset.units()}" alone: no systemctl on PATH to ask '
                "whether it is enabled (counts as not enabled)"
            )
        state = "enabled" if self.preset.enabled else "disabled"
        return f'setting preset to {state} for "{self.preset.units()}"'

    def apply(self, log: Logger) -> None:
        from ..system import systemctl

        units, root = self.preset.units(), str(self.ctx.root)
        if not self.preset.enabled:
            if not self.systemctl:
                return
            if not self.ctx.is_enabled(units, self.asked_with, log):
                log.debug(f'"{units}" is not enabled: no preset line')
                return
            with log.op(f'removing enablement symlink(s) for "{units}"'):
                systemctl.disable(root, units, log)
                self.ctx.reshaped()
        path = self.ctx.path(PRESET_PATH)
        try:
            self.ctx.make_parents(path)
            line = (self.preset.line() + "\n").encode()
            append_bytes(path, line)
        except OSError as err:
            raise os_failure(f"failed to write {PRESET_PATH}", err) from err


def _template_and_instance(name: str) -> tuple[str, str]:
    """echo@bar.service -> (echo@.service, bar)."""
    at = name.index("@")
    dot = name.rfind(".")
    if dot < at:
        raise IgnitionError(f"invalid instantiated unit name {name!r}")
    return name[: at + 1] + name[dot:], name[at + 1 : dot]


def plan_units(
    systemd: Systemd | None,
    ctx: WriteContext,
    missing_tools: Callable[[Sequence[str]], list[str]] | None = None,
) -> list[Action]:
    """Unit file and dropin writes, masks, then one preset action per template or unit (sorted
    bytewise as upstream's map keys), for `systemd`. A disable needs systemctl to ask whether
    the unit is enabled: whether it is on PATH is asked of missing_tools (default: the host)
    when a unit is disabled. Raises IgnitionError for a unit name systemctl would read as an
    option."""
    if systemd is None:
        return []
    systemctl = True
    if any(unit.enabled is False for unit in systemd.units):
        systemctl = not missing_on_path(["systemctl"], missing_tools)
    actions: list[Action] = []
    presets: dict[str, Preset] = {}
    for index, unit in enumerate(systemd.units):
        operand(unit.name, f"systemd.units.{index}.name")  # systemctl's argument
    for unit in systemd.units:
        actions.extend(_unit_actions(unit, ctx))
        if unit.enabled is not None:
            if "@" in unit.name:
                template, instance = _template_and_instance(unit.name)
                preset = Preset(template, unit.enabled, ())
                presets[preset.key] = presets.get(preset.key, preset).with_instance(instance)
            else:
                preset = Preset(unit.name, unit.enabled)
                presets[preset.key] = preset
        if unit.mask is not None:
            actions.append(MaskAction(ctx, unit.name, unit.mask))
    # upstream sorts its map keys (unit-enabled, unit-disabled), bytewise
    keys = sorted(presets, key=lambda key: key.encode())
    disables = tuple(presets[key].units() for key in keys if not presets[key].enabled)
    asked = 0
    for key in keys:
        preset = presets[key]
        if preset.enabled:
            actions.append(PresetAction(ctx, preset, systemctl))
        else:
            asked += 1
            actions.append(PresetAction(ctx, preset, systemctl, disables[asked:]))
    return actions


def _unit_actions(unit: Unit, ctx: WriteContext) -> list[Action]:
    actions: list[Action] = [
        UnitFileAction(ctx, unit.name, dropin.name, dropin.contents)
        for dropin in unit.dropins
        if dropin.contents is not None
    ]
    if unit.contents:
        actions.append(UnitFileAction(ctx, unit.name, None, unit.contents))
    return actions
