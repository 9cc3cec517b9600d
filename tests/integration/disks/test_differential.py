"""The same cases through Go Ignition 2.14 and through ignition-py, for every spec version
from 3.0.0 to 3.3.0 that the case is valid in, each on fresh loop devices: same outcome,
same partition tables (sfdisk -J, random GUIDs left out where the config sets none),
same filesystems (type, label, and UUID where the config sets one)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .cases import FILESYSTEM_CASES, PARTITION_CASES, Case
from .fake_systemd import FakeSystemd
from .harness import GO_AGENT, OUR_AGENT, Runner, loop_disks, partition_table, probe, substitute

VERSIONS = ("3.0.0", "3.1.0", "3.2.0", "3.3.0")
# Go cannot see partitions it creates on loop devices (no partition scan here), so cases
# that format a new partition are left to test_disks_cases.
CASES = [case for case in PARTITION_CASES + FILESYSTEM_CASES if "$DISK0p" not in str(case.storage)]
PAIRS = [
    (case, version)
    for case in CASES
    for version in VERSIONS
    if tuple(map(int, version.split("."))) >= tuple(map(int, case.since.split(".")))
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


def outcome(case: Case, version: str, workdir: Path, agent: Path) -> tuple[dict[str, Any], str]:
    workdir.mkdir()
    fake = None
    if agent == GO_AGENT:
        fake = FakeSystemd(workdir / "systemd" / "private")
        fake.start()
    try:
        with loop_disks(case.disks, workdir) as disks:
            tree = substitute(case.config(version), disks)
            result = Runner(workdir, agent).stage("disks", tree, workdir / "root")
            found: dict[str, Any] = {"succeeded": result.returncode == 0}
            found["tables"] = [
                normalized_table(case, index, partition_table(disk))
                for index, disk in enumerate(disks)
            ]
            filesystems = {}
            for placeholder, expected in case.filesystems.items():
                fields = probe(str(substitute(placeholder, disks)))
                keys = ["TYPE", "LABEL"] + (["UUID"] if "UUID" in expected else [])
                filesystems[placeholder] = {key: fields.get(key) for key in keys}
            found["filesystems"] = filesystems
            return found, result.output
    finally:
        if fake is not None:
            fake.stop()


@pytest.mark.parametrize(
    ("case", "version"), PAIRS, ids=[f"{case.name}-{version}" for case, version in PAIRS]
)
def test_same_result_as_go(case: Case, version: str, tmp_path: Path) -> None:
    if not GO_AGENT.exists():
        reason = f"Go agent {GO_AGENT} absent (apt-get install ignition): no oracle"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    started = time.monotonic()
    go, go_log = outcome(case, version, tmp_path / "go", GO_AGENT)
    ours, our_log = outcome(case, version, tmp_path / "ours", OUR_AGENT)
    assert go["succeeded"] == (case.error is None), go_log
    assert ours == go, f"--- go ---\n{go_log}\n--- ours ---\n{our_log}"
    print(f"{case.name} {version}: {time.monotonic() - started:.1f}s for both")
