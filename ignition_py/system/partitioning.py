"""Partition one disk as its config says: read the table, decide (disks.partition_rules),
write it, tell the kernel, check the kernel's view, wait for the partition nodes."""

from __future__ import annotations

import os

from ..config.model import Disk
from ..disks.gpt_layout import Geometry, Layout
from ..disks.partition_rules import PartitionPlan, PartitionRuleError, plan_partitions
from ..errors import IgnitionError
from ..log import Logger
from . import blockdev, gpt


def read_layout(device: str) -> gpt.DiskTable:
    fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    try:
        sector, total = blockdev.sector_size_and_count(fd)
        return gpt.read_table(fd, sector, total)
    finally:
        os.close(fd)


def plan_disk(disk: Disk, table: gpt.DiskTable) -> PartitionPlan:
    layout = table.layout
    if disk.wipe_table:
        layout = Layout(Geometry.fresh(layout.geometry.sector_size, layout.geometry.total_sectors))
    elif table.kind not in ("gpt", "none"):
        raise IgnitionError(
            f"{disk.device} has a {table.kind} partition table; only GPT is supported "
            "(set wipeTable to replace it)"
        )
    try:
        return plan_partitions(disk, layout)
    except PartitionRuleError as err:
        raise IgnitionError(f"partitioning {disk.device}: {err}") from err


def partition_disk(disk: Disk, device: str, log: Logger) -> None:
    table = read_layout(device)
    plan = plan_disk(disk, table)
    for step in plan.steps:
        log.info(f"{device}: {step}")
    if not plan.changes_table and not disk.wipe_table:
        return
    touched = _refuse_busy(device, table, plan, bool(disk.wipe_table))
    with blockdev.open_for_writing(device, exclusive=touched) as fd:
        sector, total = blockdev.sector_size_and_count(fd)
        if disk.wipe_table:
            log.info(f"wiping partition table requested on {device}")
            gpt.zap(fd, sector, total)
        if plan.changes_table or plan.layout.entries:
            disk_guid = table.disk_guid if not disk.wipe_table else ""
            gpt.write_table(fd, plan.layout, disk_guid)
    if blockdev.is_block_device(device):
        factor = plan.layout.geometry.sector_size // 512
        wanted = {n: (e.start * factor, e.size * factor) for n, e in plan.layout.entries.items()}
        blockdev.sync_kernel_table(device, wanted, log)
        blockdev.settle(log)
        nodes = [blockdev.partition_node(device, number) for number in sorted(wanted)]
        blockdev.wait_for_devices(nodes, log)


def _refuse_busy(device: str, table: gpt.DiskTable, plan: PartitionPlan, wipe: bool) -> bool:
    """Never change a partition that is mounted or held; other partitions may be in use.
    Returns whether existing partitions are changed (the disk is then opened O_EXCL)."""
    touched = set(table.layout.entries) if wipe else set(plan.deleted)
    if not blockdev.is_block_device(device):
        return bool(touched)
    blockdev.refuse_if_busy(device, partitions=False)
    for number in sorted(touched):
        node = blockdev.partition_node(device, number)
        if blockdev.is_block_device(node):
            blockdev.refuse_if_busy(node)
    return bool(touched)
