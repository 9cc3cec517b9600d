"""Wall time of the disks stage, ignition-py against Go Ignition 2.14, on the same config
and fresh loop devices of the same sizes, in one run (root needed). Not a test.

    .venv/bin/python -m bench.disks_bench
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from testkit.agents import DEBIAN, OURS
from testkit.loopdisks import Before, Runner, loop_disks, substitute, unavailable_reason

RUNS = 3
DISKS = (Before(size_mib=256), Before(), Before(size_mib=320), Before())


def node_config() -> dict[str, Any]:
    """A typical node: a partitioned disk, and data, var and swap filesystems."""
    return {
        "ignition": {"version": "3.3.0"},
        "storage": {
            "disks": [{"device": "$DISK0", "wipeTable": True, "partitions": [
                {"number": 1, "label": "boot", "sizeMiB": 16,
                 "typeGuid": "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"},
                {"number": 2, "label": "swap", "sizeMiB": 32},
                {"number": 3, "label": "root", "sizeMiB": 128},
                {"number": 0, "label": "data", "sizeMiB": 0},
            ]}],
            "filesystems": [
                {"device": "$DISK1", "format": "ext4", "label": "data"},
                {"device": "$DISK2", "format": "xfs", "label": "var"},
                {"device": "$DISK3", "format": "swap", "label": "swap"},
            ],
        },
    }  # fmt: skip


def one_run(agent: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="disks-bench-") as work:
        workdir = Path(work)
        with loop_disks(DISKS, workdir) as disks:
            tree = substitute(node_config(), disks)
            started = time.monotonic()
            result = Runner(workdir, agent).stage("disks", tree, workdir / "root")
            elapsed = time.monotonic() - started
            if result.returncode != 0:
                raise SystemExit(f"{agent} failed:\n{result.output}")
            return elapsed


def main() -> int:
    reason = unavailable_reason() or (None if DEBIAN.agent.exists() else DEBIAN.missing_reason())
    if reason:
        print(f"disks bench not run: {reason}")
        return 1
    ours = [one_run(OURS) for _ in range(RUNS)]
    go = [one_run(DEBIAN.agent) for _ in range(RUNS)]
    mine, theirs = statistics.median(ours), statistics.median(go)
    print(f"disks stage, typical node config, median of {RUNS} on loop devices:")
    print(f"  ignition-py {mine:.2f}s   Go 2.14 {theirs:.2f}s   ratio {mine / theirs:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
