"""Write one decided GPT (disks.disk_plan): refuse partitions in use, zap when asked,
write the table, tell the kernel (and write the old table back if the kernel refuses the
new one), check the kernel's view, wait for the partition nodes. Decides nothing."""

from __future__ import annotations

from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from . import blockdev, gpt


@frozen_model
class TableWrite:
    """A decided partition table for `device` (resolved); sectors are the disk's logical
    sectors. `touched` are the existing partitions it deletes or changes (then the disk
    is opened O_EXCL and each must be unused)."""

    device: str
    geometry: gpt.Geometry
    entries: tuple[gpt.GptEntry, ...]
    disk_guid: str  # "" = a random one
    wipe: bool  # zap the old table (both copies and the MBR) first
    write_entries: bool
    touched: tuple[int, ...]


def write_partition_table(change: TableWrite, log: Logger) -> None:
    """Apply change. Raises DeviceError (busy, refused by the kernel: the old table is then
    written back) or CommandError."""
    device = change.device
    is_block = blockdev.is_block_device(device)
    if is_block:
        blockdev.refuse_if_busy(device, partitions=False)
        for number in change.touched:
            node = blockdev.partition_node(device, number)
            if blockdev.is_block_device(node):
                blockdev.refuse_if_busy(node)
    before = blockdev.kernel_partitions(device) if is_block else {}
    failure: IgnitionError | None = None
    with blockdev.open_for_writing(device, exclusive=bool(change.touched)) as fd:
        sector, total = blockdev.sector_size_and_count(fd)
        saved = gpt.save_table_sectors(fd, sector, total)
        try:
            if change.wipe:
                log.info(f"wiping partition table requested on {device}")
                gpt.zap(fd, sector, total)
            if change.write_entries:
                entries = {entry.number: entry for entry in change.entries}
                gpt.write_table(fd, change.geometry, entries, change.disk_guid)
        except OSError as err:
            failure = blockdev.DeviceError(
                f"writing the partition table of {device} failed: {err.strerror}"
            )
    if failure is None and not is_block:
        return
    factor = change.geometry.sector_size // 512
    wanted = {e.number: (e.start * factor, e.size * factor) for e in change.entries}
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
