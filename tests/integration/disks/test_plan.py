"""`ignition-py plan` on a disks config against real loop devices: the decided table in
sectors, what each filesystem gets (with the mkfs argv), and then the disks stage writes
exactly that table; a disk that does not exist fails with its JSON path. Planning never
changes a device."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from ignition_py.plan_cli import add_plan_command, run_plan
from testkit.loopdisks import Before, Runner, fingerprint, loop_disks, partitions, substitute

LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"


def plan(
    tmp_path: Path, tree: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    config = tmp_path / "config.ign"
    config.write_text(json.dumps(tree))
    parser = argparse.ArgumentParser(prog="ignition-py")
    add_plan_command(parser.add_subparsers(dest="command", required=True))
    args = [
        "plan",
        "--root",
        str(tmp_path / "root"),
        "--state-file",
        str(tmp_path / "state"),
        str(config),
    ]
    code = run_plan(parser.parse_args(args))
    out = capsys.readouterr()
    return code, out.out, out.err


CONFIG = {
    "ignition": {"version": "3.4.0"},
    "storage": {
        "disks": [{"device": "$DISK0", "partitions": [
            {"number": 1, "label": "keep"},
            {"number": 0, "label": "rest", "sizeMiB": 0, "typeGuid": ESP},
        ]}],
        "filesystems": [
            {"device": "$DISK1", "format": "ext4", "label": "old"},
            {"device": "$DISK2", "format": "ext4", "label": "new"},
        ],
    },
}  # fmt: skip


def test_plan_prints_the_decided_table_and_argv_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    befores = (
        Before(sgdisk=("-n", "1:2048:+8M", "-c", "1:keep")),
        Before(mkfs=((0, "ext4", "old"),)),
        Before(),
    )
    with loop_disks(befores, tmp_path) as disks:
        tree = substitute(CONFIG, disks)
        before = [fingerprint(disk) for disk in disks]
        code, out, err = plan(tmp_path, tree, capsys)
        assert code == 0, err
        assert [fingerprint(disk) for disk in disks] == before
        # 64 MiB = 131072 sectors; the last usable one is 131072 - 34
        assert f"keep 1: start 2048 size 16384 type {LINUX} label 'keep'" in out
        assert f"new 2: start 18432 size {131038 - 18432 + 1} type {ESP} label 'rest'" in out
        assert f'filesystem on {disks[1].device}: found ext4 (label "old"' in out
        assert "reusing the ext4 filesystem" in out
        assert f"making ext4: mkfs.ext4 -F -L new {disks[2].device}" in out

        run = Runner(tmp_path).stage("disks", tree, tmp_path / "root")
        assert run.returncode == 0, run.output
        written = partitions(disks[0])
        assert {n: (p["start"], p["size"], p["type"]) for n, p in written.items()} == {
            1: (2048, 16384, LINUX),
            2: (18432, 131038 - 18432 + 1, ESP),
        }


def test_plan_names_the_json_path_of_a_missing_disk_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with loop_disks((Before(),), tmp_path) as disks:
        tree = substitute(CONFIG, disks)
        tree["storage"]["disks"][0]["device"] = "/dev/disk/by-id/ignition-py-no-such-disk"
        tree["storage"]["filesystems"] = [{"device": "$DISK0", "format": "ext4"}]
        tree = substitute(tree, disks)
        before = fingerprint(disks[0])
        code, out, err = plan(tmp_path, tree, capsys)
        assert code == 1
        assert "$.storage.disks.0.device: device /dev/disk/by-id/ignition-py-no-such-disk" in err
        assert "Traceback" not in err + out
        assert fingerprint(disks[0]) == before
