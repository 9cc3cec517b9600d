"""Differential: every case (specs 3.0.0 to 3.3.0) through Go Ignition 2.14 and through
ignition-py, each on its own copy of the same target: the same exit status and the same
resulting tree (paths, types, modes, owners, contents, hard links, passwd/group/shadow
files), the same preset lines (Go writes them in map order, so as a set) and the same
result file fields (dates and boot id aside)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from .cases import NEGATIVE, POSITIVE, Case
from .support import GO_IGNITION, NOT_ROOT, make_target, run_go, run_ours, snapshot, work_dir
from .test_cases import versioned

ORACLE_VERSIONS = ("3.0.0", "3.1.0", "3.2.0", "3.3.0")
PRESET = "etc/systemd/system-preset/20-ignition.preset"
RESULT = "etc/.ignition-result.json"

if not GO_IGNITION.exists():
    print(f"skipping files differential: {GO_IGNITION} is absent (Debian package 'ignition')")
pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(
        not GO_IGNITION.exists(), reason=f"{GO_IGNITION} absent (apt-get install ignition)"
    ),
    pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT),
]


def runs() -> list[tuple[Case, str]]:
    """Each oracle case at the first spec that has its fields, and at 3.3.0."""
    chosen = []
    for case in POSITIVE + NEGATIVE:
        if not case.oracle or case.since > "3.3.0":
            continue
        for version in sorted({case.since, "3.3.0"}):
            chosen.append((case, version))
    return chosen


def prepared(base: Path, name: str, case: Case) -> Path:
    root = base / name
    make_target(root)
    if case.setup:
        case.setup(root)
    return root


def result_fields(root: Path) -> dict[str, object] | None:
    path = root / RESULT
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return {
        key: value
        for key, value in data.items()
        if key not in ("provisioningBootID", "provisioningDate")
    }


def preset_lines(root: Path) -> list[str]:
    path = root / PRESET
    return sorted(path.read_text().splitlines()) if path.exists() else []


@pytest.mark.parametrize(
    ("case", "version"), runs(), ids=lambda item: item.name if isinstance(item, Case) else item
)
def test_same_tree_as_go(case: Case, version: str) -> None:
    assert version in ORACLE_VERSIONS
    config = versioned(case, version)
    with work_dir() as work:
        ours_root = prepared(work, "ours", case)
        go_root = prepared(work, "go", case)
        ours = run_ours(config, ours_root, work / "ours-scratch", env=case.env)
        go = run_go(config, go_root, work / "go-scratch", env=case.env)
        assert ours.returncode == go.returncode, f"ours:\n{ours.output}\ngo:\n{go.output}"
        assert snapshot(ours_root, (PRESET, RESULT)) == snapshot(go_root, (PRESET, RESULT))
        assert preset_lines(ours_root) == preset_lines(go_root)
        assert result_fields(ours_root) == result_fields(go_root)
