"""systemd units: files in /etc/systemd/system, drop-ins in NAME.d/, masks (a link to
/dev/null), and `enable`/`disable` lines in /etc/systemd/system-preset/20-ignition.preset,
which systemd's first-boot `preset-all` turns into enablement. Instances of one template
share a line: `enable foo@.service a b`."""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..config.model import Systemd, Unit
from ..errors import IgnitionError
from ..log import Logger
from ..stages import Action
from ..system.commands import require_tools, run
from .commands import shown_command
from .paths import make_parents
from .target import Target, os_failure
from .writer import DEFAULT_FILE_MODE, replace_file

UNITS_DIR = "/etc/systemd/system"
PRESET_PATH = "/etc/systemd/system-preset/20-ignition.preset"


@dataclass
class UnitFileAction:
    """A unit or drop-in file, always replaced (0644, root)."""

    target: Target
    unit: str
    dropin: str | None
    contents: str

    def _parts(self) -> tuple[str, ...]:
        if self.dropin is None:
            return (UNITS_DIR, self.unit)
        return (UNITS_DIR, f"{self.unit}.d", self.dropin)

    def describe(self) -> str:
        what = f'unit "{self.unit}"' if self.dropin is None else f'systemd drop-in "{self.dropin}"'
        return f'writing {what} at "{self.target.path(*self._parts())}"'

    def apply(self, log: Logger) -> None:
        path = self.target.path(*self._parts())
        try:
            make_parents(self.target.root, path)
            contents = io.BytesIO(self.contents.encode())
            replace_file(path, contents, uid=0, gid=0, mode=DEFAULT_FILE_MODE)
        except OSError as err:
            raise os_failure(f'failed to write unit "{self.unit}"', err) from err


@dataclass
class MaskAction:
    target: Target
    unit: str
    mask: bool

    def describe(self) -> str:
        return f'{"masking" if self.mask else "unmasking"} unit "{self.unit}"'

    def apply(self, log: Logger) -> None:
        path = self.target.path(UNITS_DIR, self.unit)
        try:
            if self.mask:
                make_parents(self.target.root, path)
                self.target.remove(path)
                os.symlink("/dev/null", path)
                self.target.reshaped()
            elif _is_masked(path):
                os.unlink(path)
                self.target.reshaped()
        except OSError as err:
            verb = "mask" if self.mask else "unmask"
            raise os_failure(f'failed to {verb} unit "{self.unit}"', err) from err


def _is_masked(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode) and os.readlink(path) == "/dev/null"
    except FileNotFoundError:
        return False


@dataclass
class Preset:
    unit: str  # the unit, or the template (foo@.service) of instances
    enabled: bool
    instances: list[str] = field(default_factory=list)

    def line(self) -> str:
        verb = "enable" if self.enabled else "disable"
        return " ".join([verb, self.unit, *self.instances])

    def unit_names(self) -> list[str]:
        if not self.instances:
            return [self.unit]
        prefix, _, suffix = self.unit.rpartition("@.")
        return [f"{prefix}@{instance}.{suffix}" for instance in self.instances]


@dataclass
class PresetAction:
    """One preset line, appended; a disabled unit's enablement links are removed first
    (`systemctl --root ROOT disable`), as upstream does."""

    target: Target
    preset: Preset

    def describe(self) -> str:
        state = "enabled" if self.preset.enabled else "disabled"
        units = " ".join([self.preset.unit, *self.preset.instances])
        return f'setting preset to {state} for "{units}"'

    def apply(self, log: Logger) -> None:
        if not self.preset.enabled:
            argv = [
                "systemctl",
                "--root",
                str(self.target.root),
                "disable",
                *self.preset.unit_names(),
            ]
            with log.op(f"removing enablement symlink(s): {shown_command(argv)}"):
                require_tools(["systemctl"])
                run(argv, log)
                self.target.reshaped()
        path = self.target.path(PRESET_PATH)
        try:
            make_parents(self.target.root, path)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(path, flags, DEFAULT_FILE_MODE)
            try:
                os.write(fd, (self.preset.line() + "\n").encode())
            finally:
                os.close(fd)
        except OSError as err:
            raise os_failure(f"failed to write {PRESET_PATH}", err) from err


def _template_and_instance(name: str) -> tuple[str, str]:
    """echo@bar.service -> (echo@.service, bar)."""
    at = name.index("@")
    dot = name.rfind(".")
    if dot < at:
        raise IgnitionError(f"invalid instantiated unit name {name!r}")
    return name[: at + 1] + name[dot:], name[at + 1 : dot]


def plan_units(systemd: Systemd | None, target: Target) -> list[Action]:
    if systemd is None:
        return []
    actions: list[Action] = []
    presets: dict[tuple[str, bool], Preset] = {}
    for unit in systemd.units:
        actions.extend(_unit_actions(unit, target))
        if unit.enabled is not None:
            if "@" in unit.name:
                template, instance = _template_and_instance(unit.name)
                preset = presets.setdefault(
                    (template, unit.enabled), Preset(template, unit.enabled)
                )
                preset.instances.append(instance)
            else:
                presets[(unit.name, unit.enabled)] = Preset(unit.name, unit.enabled)
        if unit.mask is not None:
            actions.append(MaskAction(target, unit.name, unit.mask))
    actions.extend(PresetAction(target, preset) for preset in presets.values())
    return actions


def _unit_actions(unit: Unit, target: Target) -> list[Action]:
    actions: list[Action] = [
        UnitFileAction(target, unit.name, dropin.name, dropin.contents)
        for dropin in unit.dropins
        if dropin.contents is not None
    ]
    if unit.contents:
        actions.append(UnitFileAction(target, unit.name, None, unit.contents))
    return actions
