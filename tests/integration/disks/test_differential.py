"""The same cases through upstream Ignition (v2.26.0 at every spec from the case's first to
3.7.0-experimental; Debian's 2.14 at 3.0.0-3.3.0) and through ignition-py, each on fresh
loop devices: same outcome,
same partition tables (sfdisk -J, random GUIDs left out where the config sets none),
same filesystems (type, label, and UUID where the config sets one)."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from testkit.agents import OURS
from testkit.loopdisks import Runner, loop_disks, partition_table, probe, substitute
from testkit.stagerun import DEFAULT_PATH, standins
from tests.oracles import ORACLES, UPSTREAM, Oracle, oracle_id, require, spec_key

from .cases import FILESYSTEM_CASES, PARTITION_CASES, Case

# Go cannot see partitions it creates on loop devices (no partition scan here), so cases
# that format a new partition are left to test_disks_cases.
CASES = [case for case in PARTITION_CASES + FILESYSTEM_CASES if "$DISK0p" not in str(case.storage)]


def _versions(case: Case, oracle: Oracle) -> list[str]:
    """v2.26.0: every spec from the case's first. 2.14, a second opinion, is slow here
    (about 3 s a run): the case's first spec and 3.3.0 only."""
    known = oracle.specs_from(case.since)
    return known if oracle == UPSTREAM else sorted({known[0], known[-1]}, key=spec_key)


RUNS = [
    pytest.param(case, version, oracle, id=f"{case.name}-{version}-{oracle_id(oracle)}")
    for case in CASES
    for oracle in ORACLES
    for version in _versions(case, oracle)
]

pytestmark = [pytest.mark.oracle, pytest.mark.slow]


def normalized_table(case: Case, index: int, table: dict[str, Any] | None) -> Any:
    if table is None:
        return None
    guids_set = {
        number for number, fields in case.tables.get(index, {}).items() if "uuid" in fields
    }
    parts = {}
    for entry in table.get("partitions", []):
        number = int(entry["node"].rsplit("p", 1)[1])
        kept = {key: entry.get(key, "") for key in ("start", "size", "type", "name")}
        if number in guids_set:
            kept["uuid"] = entry["uuid"]
        parts[number] = kept
    return {key: table.get(key) for key in ("label", "firstlba", "lastlba", "sectorsize")} | {
        "partitions": parts
    }


def no_udev_trigger(workdir: Path) -> dict[str, str]:
    """v2.26.0 runs `udevadm trigger --settle DEVICE` after partitioning and formatting,
    which waits forever where no udevd runs (here): a `udevadm` first on PATH that
    answers `trigger` at once and hands everything else to the real one."""
    real = shutil.which("udevadm") or "/usr/bin/udevadm"
    script = f'#!/bin/sh\n[ "$1" = trigger ] && exit 0\nexec {real} "$@"\n'
    bin_dir = standins(workdir / "bin", {"udevadm": script})
    return {"PATH": f"{bin_dir}:{os.environ.get('PATH', DEFAULT_PATH)}"}


def outcome(case: Case, version: str, workdir: Path, agent: Path) -> tuple[dict[str, Any], str]:
    workdir.mkdir()
    with loop_disks(case.disks, workdir) as disks:
        tree = substitute(case.config(version), disks)
        env = {} if agent == OURS else no_udev_trigger(workdir)
        result = Runner(workdir, agent, env).stage("disks", tree, workdir / "root")
        found: dict[str, Any] = {"succeeded": result.returncode == 0}
        found["tables"] = [
            normalized_table(case, index, partition_table(disk)) for index, disk in enumerate(disks)
        ]
        filesystems = {}
        for placeholder, expected in case.filesystems.items():
            fields = probe(str(substitute(placeholder, disks)))
            keys = ["TYPE", "LABEL"] + (["UUID"] if "UUID" in expected else [])
            filesystems[placeholder] = {key: fields.get(key) for key in keys}
        found["filesystems"] = filesystems
        return found, result.output


@pytest.mark.parametrize(("case", "version", "oracle"), RUNS)
def test_same_result_as_go(case: Case, version: str, oracle: Oracle, tmp_path: Path) -> None:
    require(oracle)
    started = time.monotonic()
    go, go_log = outcome(case, version, tmp_path / "go", oracle.agent)
    ours, our_log = outcome(case, version, tmp_path / "ours", OURS)
    assert go["succeeded"] == (case.error is None), go_log
    assert ours == go, f"--- go ---\n{go_log}\n--- ours ---\n{our_log}"
    print(f"{case.name} {version}: {time.monotonic() - started:.1f}s for both")
