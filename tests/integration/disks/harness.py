"""The disks tests' support, shared with bench/: testkit.loopdisks."""

from testkit.loopdisks import (
    Before,
    LoopDisk,
    Runner,
    fingerprint,
    loop_disks,
    mkfs_command,
    mounted,
    mounted_under,
    partition_table,
    partitions,
    probe,
    sh,
    substitute,
    unavailable_reason,
)
from testkit.stagerun import Outcome as StageRun

__all__ = [
    "Before", "LoopDisk", "Runner", "StageRun", "fingerprint", "loop_disks", "mkfs_command",
    "mounted", "mounted_under", "partition_table", "partitions", "probe", "sh", "substitute",
    "unavailable_reason",
]  # fmt: skip
