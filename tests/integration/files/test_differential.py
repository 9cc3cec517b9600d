"""Differential: every case through upstream Ignition (v2.26.0 at every spec from the
case's first to 3.7.0-experimental; Debian's 2.14 at 3.0.0-3.3.0) and through ignition-py,
each on its own copy of the same root: the same exit status and the same resulting tree
(paths, types, modes, owners, contents, hard links, passwd/group/shadow files), the same
preset lines (Go writes them in map order, so as a set) and the same result file fields
(dates and boot id aside)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from testkit.fake_systemd import behind_fake_manager
from tests.oracles import DEBIAN, ORACLES, Oracle, oracle_id, require

from .cases import NEGATIVE, POSITIVE, Case
from .support import NOT_ROOT, make_root, run_go, run_ours, snapshot, work_dir
from .test_cases import versioned

PRESET = "etc/systemd/system-preset/20-ignition.preset"
RESULT = "etc/.ignition-result.json"

pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT),
]

# (case, oracle id) -> why ignition-py differs from that oracle and is wrong: strict xfails
# (see /work/notes/divergences-a.md), to be removed when the product is fixed.
KNOWN_DIVERGENCES: dict[tuple[str, str], str] = {}

# Differences kept on purpose, where ignition-py is strictly better: only the exit status
# is compared. (case, oracle id) -> why.
DELIBERATE: dict[tuple[str, str], str] = {
    ("owner-unknown-in-the-root", "v2.26.0"): (
        "both fail; upstream has already created the file (root-owned) when it fails on the "
        "owner, ignition-py resolves owners first and leaves the tree untouched"
    ),
}


def runs() -> list[Any]:
    """Each case at every spec from its first that the oracle knows. ``Case.oracle``
    False keeps a case from 2.14 only (its reasons are 2.14's)."""
    chosen = []
    for case in POSITIVE + NEGATIVE:
        for oracle in ORACLES:
            if oracle == DEBIAN and not case.oracle:
                continue
            reason = KNOWN_DIVERGENCES.get((case.name, oracle_id(oracle)))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            for version in oracle.specs_from(case.since):
                name = f"{case.name}-{version}-{oracle_id(oracle)}"
                chosen.append(pytest.param(case, version, oracle, id=name, marks=marks))
    return chosen


def prepared(base: Path, name: str, case: Case) -> Path:
    root = base / name
    make_root(root)
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


@pytest.mark.parametrize(("case", "version", "oracle"), runs())
def test_same_tree_as_go(case: Case, version: str, oracle: Oracle) -> None:
    require(oracle)
    config = versioned(case, version)
    # v2.26.0 reads the Manager's Version before it writes units: a fake systemd answers.
    with work_dir() as work, behind_fake_manager(work) as prefix:
        ours_root = prepared(work, "ours", case)
        go_root = prepared(work, "go", case)
        ours = run_ours(config, ours_root, work / "ours-scratch", env=case.env)
        go = run_go(
            config, go_root, work / "go-scratch", agent=oracle.agent, env=case.env, prefix=prefix
        )
        assert ours.returncode == go.returncode, f"ours:\n{ours.output}\ngo:\n{go.output}"
        if (case.name, oracle_id(oracle)) in DELIBERATE:
            return
        assert snapshot(ours_root, (PRESET, RESULT)) == snapshot(go_root, (PRESET, RESULT))
        assert preset_lines(ours_root) == preset_lines(go_root)
        assert result_fields(ours_root) == result_fields(go_root)
