"""Partition one disk as its config says: read the table, decide (disks.partition_rules),
refuse what would lose data, write it, tell the kernel (and write the old table back if
the kernel refuses the new one), check the kernel's view, wait for the partition nodes."""

from __future__ import annotations

import os

from ..config.model import Disk
from ..disks.gpt_layout import Geometry, Layout
from ..disks.partition_rules import PartitionPlan, PartitionRuleError, plan_partitions
from ..errors import IgnitionError
from ..log import Logger
from . import blockdev, gpt
from .filesystems import probe_extent


def read_layout(device: str) -> gpt.DiskTable:
    """The table on device; raises DeviceError when it cannot hold a GPT at all."""
    fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    try:
        sector, total = blockdev.sector_size_and_count(fd)
        needed = gpt.smallest_disk(sector)
        if total < needed:
            raise blockdev.DeviceError(
                f"{device} is too small for a GPT partition table: it has {total * sector} "
                f"bytes, a GPT needs at least {needed * sector} ({needed} sectors of {sector})"
            )
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


def check_disk(disk: Disk, device: str, log: Logger) -> None:
    """Everything partition_disk would refuse on device, found without writing, so that a
    config fails before the stage writes on any of its disks."""
    table = read_layout(device)
    plan = plan_disk(disk, table)
    if plan.changes_table or disk.wipe_table:
        _refuse_busy(device, table, plan, bool(disk.wipe_table))
        _refuse_shrink(disk, device, table, plan, log)


def partition_disk(disk: Disk, device: str, log: Logger) -> None:
    table = read_layout(device)
    plan = plan_disk(disk, table)
    for step in plan.steps:
        log.info(f"{device}: {step}")
    if not plan.changes_table and not disk.wipe_table:
        return
    touched = _refuse_busy(device, table, plan, bool(disk.wipe_table))
    _refuse_shrink(disk, device, table, plan, log)
    is_block = blockdev.is_block_device(device)
    before = blockdev.kernel_partitions(device) if is_block else {}
    failure: IgnitionError | None = None
    with blockdev.open_for_writing(device, exclusive=touched) as fd:
        sector, total = blockdev.sector_size_and_count(fd)
        saved = gpt.save_table_sectors(fd, sector, total)
        try:
            if disk.wipe_table:
                log.info(f"wiping partition table requested on {device}")
                gpt.zap(fd, sector, total)
            if plan.changes_table or plan.layout.entries:
                disk_guid = table.disk_guid if not disk.wipe_table else ""
                gpt.write_table(fd, plan.layout, disk_guid)
        except OSError as err:
            failure = blockdev.DeviceError(
                f"writing the partition table of {device} failed: {err.strerror}"
            )
    if failure is None and not is_block:
        return
    factor = plan.layout.geometry.sector_size // 512
    wanted = {n: (e.start * factor, e.size * factor) for n, e in plan.layout.entries.items()}
    if failure is None:
        try:
            blockdev.sync_kernel_table(device, wanted, log)
        except IgnitionError as err:
            failure = blockdev.DeviceError(
                f"the kernel refused the new partition table of {device} ({err})"
            )
    if failure is not None:
        _write_back(device, saved, before if is_block else None, log)
        raise blockdev.DeviceError(f"{failure}; the old table was written back") from failure
    blockdev.settle(log)
    nodes = [blockdev.partition_node(device, number) for number in sorted(wanted)]
    blockdev.wait_for_devices(nodes, log)


def _write_back(
    device: str, saved: gpt.SavedSectors, before: dict[int, tuple[int, int]] | None, log: Logger
) -> None:
    """Put the old table's sectors back and, for a block device, the kernel's view too."""
    log.warning(f"writing the old partition table of {device} back")
    try:
        with blockdev.open_for_writing(device, exclusive=False) as fd:
            gpt.restore_table_sectors(fd, saved)
    except (OSError, IgnitionError) as err:
        reason = err.strerror if isinstance(err, OSError) else str(err)
        raise blockdev.DeviceError(
            f"could not write the old partition table of {device} back: {reason}"
        ) from err
    if before is not None:
        try:
            blockdev.sync_kernel_table(device, before, log)
        except IgnitionError as err:
            log.warning(f"the kernel's view of {device} may be stale: {err}")


def _refuse_busy(device: str, table: gpt.DiskTable, plan: PartitionPlan, wipe: bool) -> bool:
    """Never change a partition that is in use (blockdev.usage); other partitions may be.
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


def _refuse_shrink(
    disk: Disk, device: str, table: gpt.DiskTable, plan: PartitionPlan, log: Logger
) -> None:
    """`resize` may shrink a partition only down to the filesystem on it; a signature whose
    size cannot be read (LUKS, RAID, a nested table...) is not shrunk at all. Upstream
    shrinks regardless and leaves a broken filesystem. wipeTable and wipePartitionEntry
    are the config's consent to lose what is there."""
    if disk.wipe_table:
        return
    consent = {p.number for p in disk.partitions if p.wipe_partition_entry}
    sector = table.layout.geometry.sector_size
    for entry in plan.created:
        old = table.layout.entries.get(entry.number)
        if old is None or entry.number not in plan.deleted or entry.number in consent:
            continue
        if entry.start != old.start or entry.size >= old.size:
            continue
        kind, size = probe_extent(device, old.start * sector, old.size * sector, log)
        new = entry.size * sector
        if not kind or (size is not None and size <= new):
            continue
        what = f"a {kind} filesystem of {_bytes(size)}" if size else f"a {kind} signature"
        unknown = "" if size else ", whose size ignition-py cannot read,"
        raise blockdev.DeviceError(
            f"refusing to shrink partition {entry.number} of {device} from "
            f"{_bytes(old.size * sector)} to {_bytes(new)}: it holds {what}{unknown} "
            "which would be cut off (shrink it first, or set wipePartitionEntry to discard it)"
        )


def _bytes(count: int | None) -> str:
    return f"{count} bytes ({(count or 0) / (1024 * 1024):g} MiB)"
