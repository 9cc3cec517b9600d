"""system.systemctl.batch_states against the real `systemctl --root`, and the files stage's
use of it: the answers of one `is-enabled` call for all the disabled units are those of one
call per unit, or there are none (then each unit is asked on its own, as v2.26.0 asks)."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from ignition_py.config.model import Systemd, Unit
from ignition_py.files.units import PresetAction, plan_units
from ignition_py.files.write_context import WriteContext
from ignition_py.log import Logger
from ignition_py.system.systemctl import batch_states, is_enabled

SYSTEMCTL = shutil.which("systemctl")
pytestmark = pytest.mark.skipif(SYSTEMCTL is None, reason="no systemctl on this machine")

INSTALL = "[Install]\nWantedBy=multi-user.target\n"
UNITS = "etc/systemd/system"
# what one `is-enabled` call each says of these (static counts as enabled)
KNOWN = {"on.service": True, "plain.service": True, "off.service": False,
         "hidden.service": False, "ghost.service": False}  # fmt: skip


def _root(root: Path) -> None:
    """on (enabled), off and off-N (disabled), plain (static: no [Install]), hidden
    (masked), echo@ (a template), and a SysV script `legacy` with no unit file."""
    units = root / UNITS
    (units / "multi-user.target.wants").mkdir(parents=True)
    for name in ("on.service", "off.service", "echo@.service",
                 *(f"off-{i}.service" for i in range(4))):  # fmt: skip
        (units / name).write_text(f"[Service]\nExecStart=/bin/true\n{INSTALL}")
    (units / "plain.service").write_text("[Service]\nExecStart=/bin/true\n")
    (units / "multi-user.target.wants/on.service").symlink_to(f"/{UNITS}/on.service")
    (units / "hidden.service").symlink_to("/dev/null")
    (root / "etc/init.d").mkdir(parents=True)
    (root / "etc/init.d/legacy").write_text("#!/bin/sh\n")
    (root / "etc/init.d/legacy").chmod(0o755)


def _counting_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `systemctl` first on PATH that writes each call's arguments, one line a call."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    wrapper = bin_dir / "systemctl"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {SYSTEMCTL} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    calls.touch()
    return calls


def _log() -> Logger:
    return Logger("files", stream=io.StringIO())


@pytest.mark.parametrize(
    ("units", "answered"),
    [
        (["on.service", "off.service", "plain.service", "hidden.service"], True),
        (["off.service", "hidden.service"], True),
        (["echo@.service", "on.service"], True),
        # systemd 252 stops at the missing unit (no answer); 254+ goes on
        (["off.service", "ghost.service", "on.service"], None),
        # systemd answers for a SysV script first, out of order: no answer
        (["off.service", "legacy.service", "on.service"], False),
    ],
)
def test_one_call_answers_as_one_call_per_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, units: list[str], answered: bool | None
) -> None:
    root = tmp_path / "root"
    _root(root)
    one_by_one = {unit: is_enabled(str(root), unit, _log()) for unit in units}
    for unit, enabled in KNOWN.items():
        assert one_by_one.get(unit, enabled) is enabled, unit
    calls = _counting_path(tmp_path, monkeypatch)
    answers = batch_states(str(root), units, _log())
    assert calls.read_text().splitlines() == [f"--root {root} is-enabled {' '.join(units)}"]
    if answered is not None:
        assert (answers is not None) is answered, answers
    if answers is not None:
        assert answers == one_by_one


@pytest.mark.parametrize("odd", ["echo@.service a b", "o*.service"])
def test_a_glob_or_a_name_with_spaces_is_never_asked_with_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str
) -> None:
    root = tmp_path / "root"
    _root(root)
    calls = _counting_path(tmp_path, monkeypatch)
    assert batch_states(str(root), [odd, "off.service"], _log()) is None
    assert calls.read_text() == ""


def _is_enabled_calls(
    root: Path, calls: Path, names: list[str], enabled: set[str] | None = None
) -> list[str]:
    """The files stage's preset actions for `names`, all disabled, applied: the
    is-enabled calls systemctl saw."""
    systemd = Systemd(units=tuple(Unit(name=name, enabled=False) for name in names))
    for action in plan_units(systemd, WriteContext.at(root)):
        assert isinstance(action, PresetAction)
        action.apply(_log())
    return [line for line in calls.read_text().splitlines() if " is-enabled " in line]


def test_the_files_stage_asks_about_its_disables_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "root"
    _root(root)
    calls = _counting_path(tmp_path, monkeypatch)
    names = [f"off-{i}.service" for i in range(4)]
    assert _is_enabled_calls(root, calls, names) == [f"--root {root} is-enabled {' '.join(names)}"]


def test_an_instance_disable_is_asked_alone_and_the_others_still_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`echo@.service a b` (upstream's one name for a template's instances) cannot go in
    a call with others; the plain names still share one call."""
    root = tmp_path / "root"
    _root(root)
    calls = _counting_path(tmp_path, monkeypatch)
    units = [Unit(name="echo@a.service", enabled=False), Unit(name="echo@b.service", enabled=False)]
    units += [Unit(name=f"off-{i}.service", enabled=False) for i in range(3)]
    for action in plan_units(Systemd(units=tuple(units)), WriteContext.at(root)):
        assert isinstance(action, PresetAction)
        action.apply(_log())
    asked = [line for line in calls.read_text().splitlines() if " is-enabled " in line]
    plain = " ".join(f"off-{i}.service" for i in range(3))
    assert sorted(asked) == sorted([
        f"--root {root} is-enabled echo@.service a b",
        f"--root {root} is-enabled {plain}",
    ])  # fmt: skip


def test_after_a_call_without_answers_each_unit_is_asked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SysV name among the disables: the one call gives no answer, and from then on
    each unit is asked on its own (not the whole batch again for each unit)."""
    root = tmp_path / "root"
    _root(root)
    calls = _counting_path(tmp_path, monkeypatch)
    names = ["legacy.service", "off-0.service", "off-1.service", "on.service"]
    asked = _is_enabled_calls(root, calls, names)
    assert len(asked) == 1 + len(names), asked
    assert asked[1:] == [f"--root {root} is-enabled {name}" for name in names]
    assert not (root / UNITS / "multi-user.target.wants/on.service").exists()
