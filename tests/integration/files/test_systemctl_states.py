"""system.systemctl.enabled_states against the real `systemctl --root`: its answers are
those of one `is-enabled` call per unit, in one call when every name is plain and found,
and unit by unit when systemctl stops early (a missing unit, on systemd < 254) or a name
is a glob or holds spaces."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest

from ignition_py.log import Logger
from ignition_py.system.systemctl import enabled_states, is_enabled

SYSTEMCTL = shutil.which("systemctl")
pytestmark = pytest.mark.skipif(SYSTEMCTL is None, reason="no systemctl on this machine")

INSTALL = "[Install]\nWantedBy=multi-user.target\n"
# what one `is-enabled` call each says of these (static counts as enabled)
KNOWN = {"on.service": True, "plain.service": True, "off.service": False,
         "hidden.service": False, "ghost.service": False}  # fmt: skip


def _root(root: Path) -> None:
    """on (enabled), off (disabled), plain (static: no [Install]), hidden (masked),
    echo@ (a template)."""
    units = root / "etc/systemd/system"
    (units / "multi-user.target.wants").mkdir(parents=True)
    for name in ("on.service", "off.service", "echo@.service"):
        (units / name).write_text(f"[Service]\nExecStart=/bin/true\n{INSTALL}")
    (units / "plain.service").write_text("[Service]\nExecStart=/bin/true\n")
    (units / "multi-user.target.wants/on.service").symlink_to("/etc/systemd/system/on.service")
    (units / "hidden.service").symlink_to("/dev/null")


def _counting_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `systemctl` first on PATH that writes each call's arguments, one line a call."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    wrapper = bin_dir / "systemctl"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> {calls}\nexec {SYSTEMCTL} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    return calls


def _one_by_one(root: Path, units: list[str], log: Logger) -> dict[str, bool]:
    return {unit: is_enabled(str(root), unit, log) for unit in units}


@pytest.mark.parametrize(
    ("units", "calls"),
    [
        (["on.service", "off.service", "plain.service", "hidden.service"], 1),
        (["off.service", "hidden.service"], 1),
        (["echo@.service", "on.service"], 1),
        # systemd 252 stops at the missing unit (then: one call each); 254+ goes on
        (["off.service", "ghost.service", "on.service"], None),
        # a name with spaces is refused, a glob may stand for several: asked alone
        (["echo@.service a b", "off.service", "on.service"], 2),
        (["o*.service", "off.service", "plain.service"], 2),
    ],
)
def test_batched_answers_are_the_one_by_one_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, units: list[str], calls: int | None
) -> None:
    root = tmp_path / "root"
    _root(root)
    log = Logger("files", stream=io.StringIO())
    expected = _one_by_one(root, units, log)
    for unit, enabled in KNOWN.items():
        assert expected.get(unit, enabled) is enabled, unit
    counted = _counting_path(tmp_path, monkeypatch)
    assert enabled_states(str(root), units, log) == expected
    made = counted.read_text().splitlines()
    if calls is None:  # one batch that stopped early, then each unit; or the batch alone
        assert len(made) in (1, 1 + len(units)), made
    else:
        assert len(made) == calls, made
    assert made[0].split()[:3] == ["--root", str(root), "is-enabled"]


def test_a_single_unit_is_asked_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "root"
    _root(root)
    counted = _counting_path(tmp_path, monkeypatch)
    log = Logger("files", stream=io.StringIO())
    assert enabled_states(str(root), ["on.service", "on.service"], log) == {"on.service": True}
    assert counted.read_text().splitlines() == [f"--root {root} is-enabled on.service"]
