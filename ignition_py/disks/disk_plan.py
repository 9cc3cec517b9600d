"""One disk's partitioning decided against the host: the table read through the probe,
upstream's partition rules applied, and every refusal that can be known before writing
(an unsupported table, a rule error, a busy or shrunk partition). The result is the
concrete table system/partitioning writes."""

from __future__ import annotations

from ..config.model import Disk
from ..errors import IgnitionError
from ..frozen import frozen_model
from ..system.blockdev import DeviceError, partition_node
from ..system.disk_probe import DiskProbe
from ..system.gpt import DiskTable, Geometry
from ..system.partitioning import TableWrite
from .gpt_layout import Layout
from .partition_rules import PartitionPlan, PartitionRuleError, plan_partitions


@frozen_model
class DiskPlan:
    """What partitioning `device` will do: `write` is None when the table already
    matches (nothing is written)."""

    disk: Disk
    device: str  # resolved
    found: DiskTable
    partitions: PartitionPlan
    write: TableWrite | None


def plan_disk(disk: Disk, device: str, probe: DiskProbe) -> DiskPlan:
    """Decide the partitioning of disk on device (resolved). Raises IgnitionError (or
    DeviceError) with upstream's message for a rule that fails, and ignition-py's
    refusals for a busy partition or a filesystem that a resize would cut off."""
    found = probe.read_table(device)
    layout = Layout(found.geometry, dict(found.entries))
    if disk.wipe_table:
        layout = Layout(Geometry.fresh(found.geometry.sector_size, found.geometry.total_sectors))
    elif found.kind not in ("gpt", "none"):
        raise IgnitionError(
            f"{disk.device} has a {found.kind} partition table; only GPT is supported "
            "(set wipeTable to replace it)"
        )
    try:
        plan = plan_partitions(disk, layout)
    except PartitionRuleError as err:
        raise IgnitionError(f"partitioning {disk.device}: {err}") from err
    wipe = bool(disk.wipe_table)
    if not plan.changes_table and not wipe:
        return DiskPlan(disk, device, found, plan, None)
    touched = tuple(sorted(found.entries if wipe else plan.deleted))
    _refuse_busy(device, touched, probe)
    _refuse_shrink(disk, device, found, plan, probe)
    write = TableWrite(
        device=device,
        geometry=plan.layout.geometry,
        entries=tuple(plan.layout.entries.values()),
        disk_guid="" if wipe else found.disk_guid,
        wipe=wipe,
        write_entries=plan.changes_table or bool(plan.layout.entries),
        touched=touched,
    )
    return DiskPlan(disk, device, found, plan, write)


def _refuse_busy(device: str, touched: tuple[int, ...], probe: DiskProbe) -> None:
    """Never change a partition that is in use; other partitions may be."""
    if not probe.is_block_device(device):
        return
    _refuse(device, probe.usage(device, partitions=False))
    for number in touched:
        node = partition_node(device, number)
        if probe.is_block_device(node):
            _refuse(node, probe.usage(node))


def _refuse(device: str, reason: str | None) -> None:
    if reason:
        raise DeviceError(f"refusing to modify {device}: {reason}")


def _refuse_shrink(
    disk: Disk, device: str, found: DiskTable, plan: PartitionPlan, probe: DiskProbe
) -> None:
    """`resize` may shrink a partition only down to the filesystem on it; a signature whose
    size cannot be read (LUKS, RAID, a nested table...) is not shrunk at all. Upstream
    shrinks regardless and leaves a broken filesystem. wipeTable and wipePartitionEntry
    are the config's consent to lose what is there."""
    if disk.wipe_table:
        return
    consent = {p.number for p in disk.partitions if p.wipe_partition_entry}
    sector = found.geometry.sector_size
    for entry in plan.created:
        old = found.entries.get(entry.number)
        if old is None or entry.number not in plan.deleted or entry.number in consent:
            continue
        if entry.start != old.start or entry.size >= old.size:
            continue
        kind, size = probe.extent(device, old.start * sector, old.size * sector)
        new = entry.size * sector
        if not kind or (size is not None and size <= new):
            continue
        what = f"a {kind} filesystem of {_bytes(size)}" if size else f"a {kind} signature"
        unknown = "" if size else ", whose size ignition-py cannot read,"
        raise DeviceError(
            f"refusing to shrink partition {entry.number} of {device} from "
            f"{_bytes(old.size * sector)} to {_bytes(new)}: it holds {what}{unknown} "
            "which would be cut off (shrink it first, or set wipePartitionEntry to discard it)"
        )


def _bytes(count: int | None) -> str:
    return f"{count} bytes ({(count or 0) / (1024 * 1024):g} MiB)"


def describe_plan(plan: DiskPlan) -> str:
    """One line for the log: the disk, its size, and what is done to its table."""
    geometry = plan.found.geometry
    where = plan.disk.device
    if plan.device != plan.disk.device:
        where += f" = {plan.device}"
    found = "no partition table" if plan.found.kind == "none" else f"{plan.found.kind} table"
    head = (
        f"partitioning {where} ({geometry.total_sectors} sectors of "
        f"{geometry.sector_size} bytes, {found} found)"
    )
    if plan.write is None:
        return head + ": the table already matches, nothing written"
    return head + (": wipe the table, then write" if plan.write.wipe else ": write")


def table_lines(plan: DiskPlan) -> list[str]:
    """The decided table, one partition a line: number, start and size in sectors, type
    GUID and label, and whether it is kept or new; then the partitions deleted."""
    created = {entry.number for entry in plan.partitions.created}
    lines = []
    for number, entry in sorted(plan.partitions.layout.entries.items()):
        state = "new" if number in created else "keep"
        label = f" label {entry.label!r}" if entry.label else ""
        lines.append(
            f"{state} {number}: start {entry.start} size {entry.size} type {entry.type_guid}{label}"
        )
    lines += [f"delete {n}" for n in plan.partitions.deleted if n not in created]
    return lines
