"""systemd units: which actions, and the exact preset lines."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest

from ignition_py.config.model import Dropin, Systemd, Unit
from ignition_py.errors import IgnitionError
from ignition_py.files.units import (
    PRESET_PATH,
    MaskAction,
    Preset,
    PresetAction,
    UnitFileAction,
    plan_units,
)
from ignition_py.files.write_context import WriteContext
from ignition_py.log import Logger

PRESET = PRESET_PATH.lstrip("/")


def plan(*units: Unit, root: Path) -> list[object]:
    return list(plan_units(Systemd(units=units), WriteContext.at(root)))


def presets(actions: list[object]) -> list[str]:
    return [a.preset.line() for a in actions if isinstance(a, PresetAction)]


def test_preset_lines_group_instances_and_sort_by_upstreams_key(tmp_path: Path) -> None:
    """Upstream keys its presets `UNIT-enabled`/`UNIT-disabled` (the template for
    instances, which keep config order) and writes them in the keys' byte order."""
    actions = plan(
        Unit(name="zeta.service", enabled=True),
        Unit(name="echo@foo.service", enabled=True),
        Unit(name="b.service", enabled=False),
        Unit(name="echo@bar.service", enabled=True),
        Unit(name="echo@baz.service", enabled=False),
        Unit(name="a.service", enabled=True),
        Unit(name="a-b.service", enabled=True),
        Unit(name="x.timer"),
        root=tmp_path,
    )
    assert presets(actions) == [
        "enable a-b.service",  # "-" sorts before "."
        "enable a.service",
        "disable b.service",
        "disable echo@.service baz",  # "echo@.service-disabled" < "...-enabled"
        "enable echo@.service foo bar",
        "enable zeta.service",
    ]


def test_a_disable_names_instances_as_upstream_does_in_one_argument() -> None:
    assert Preset("echo@.service", False, ("a", "b")).units() == "echo@.service a b"
    assert Preset("x.service", False).units() == "x.service"


def test_files_dropins_and_masks(tmp_path: Path) -> None:
    actions = plan(
        Unit(
            name="a.service",
            contents="[Service]\n",
            dropins=(
                Dropin(name="1.conf", contents="x"),
                Dropin(name="2.conf"),
                Dropin(name="3.conf", contents=""),
            ),
        ),
        Unit(name="empty.service", contents=""),
        Unit(name="m.service", mask=True),
        Unit(name="u.service", mask=False),
        root=tmp_path,
    )
    files = [(a.unit, a.dropin) for a in actions if isinstance(a, UnitFileAction)]
    # a drop-in without contents is skipped, an empty one written; empty unit contents skip
    assert files == [("a.service", "1.conf"), ("a.service", "3.conf"), ("a.service", None)]
    assert [(a.unit, a.mask) for a in actions if isinstance(a, MaskAction)] == [
        ("m.service", True),
        ("u.service", False),
    ]


def test_describe_names_the_paths(tmp_path: Path) -> None:
    (action,) = plan(Unit(name="a.service", contents="x"), root=tmp_path)
    assert action.describe() == (  # type: ignore[attr-defined]
        f'writing unit "a.service" at "{tmp_path}/etc/systemd/system/a.service"'
    )


def test_bad_instance_name_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(IgnitionError, match="invalid instantiated unit"):
        plan(Unit(name="a@b", enabled=True), root=tmp_path)


def test_without_systemctl_the_plan_counts_nothing_as_enabled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """v2.26.0 treats a failed `systemctl is-enabled` exec like a non-zero exit: the
    disable is skipped, silently; an enable needs no systemctl at all. The plan decides it
    (system/systemctl only runs the program), and asks the host only for a disable."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    root = tmp_path / "root"
    root.mkdir()
    asked: list[list[str]] = []

    def no_tools(names: Sequence[str]) -> list[str]:
        asked.append(list(names))
        return list(names)

    units = Systemd(units=(Unit(name="off.service", enabled=False),
                           Unit(name="on.service", enabled=True)))  # fmt: skip
    actions = [
        a for a in plan_units(units, WriteContext.at(root), no_tools) if isinstance(a, PresetAction)
    ]
    assert asked == [["systemctl"]]
    assert [a.systemctl for a in actions] == [False, False]
    assert "no systemctl on PATH" in actions[0].describe()
    log = Logger("files", stream=io.StringIO())
    for action in actions:
        action.apply(log)
    assert (root / PRESET).read_text() == "enable on.service\n"
    plan_units(Systemd(units=units.units[1:]), WriteContext.at(root), no_tools)
    assert asked == [["systemctl"]]  # an enable alone never asks


def test_with_systemctl_a_disable_asks_it(tmp_path: Path) -> None:
    off = Systemd(units=(Unit(name="off.service", enabled=False),))
    [action] = plan_units(off, WriteContext.at(tmp_path), lambda names: [])
    assert isinstance(action, PresetAction) and action.systemctl
    assert action.describe() == 'setting preset to disabled for "off.service"'
