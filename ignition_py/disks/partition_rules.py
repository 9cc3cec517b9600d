"""Ignition's partition rules (operator notes' matrix), decided without touching a disk.

Given a disk's config and its current table, `plan_partitions` returns the table to write
and the steps in words, or raises PartitionRuleError naming the partition that cannot be
made to match. Sizes and starts in the config are MiB; everything here is in sectors.
"""

from __future__ import annotations

from ..config.model import Disk, Partition
from ..frozen import frozen_model, replace
from ..go_text import go_quote
from .gpt_layout import GptEntry, Layout, LayoutError

MIB = 1024 * 1024


class PartitionRuleError(Exception):
    """The config asks for something the existing table forbids (upstream's errors)."""


@frozen_model
class Wanted:
    """One configured partition with its MiB values turned into sectors."""

    config: Partition
    number: int
    start: int | None
    size: int | None

    @property
    def should_exist(self) -> bool:
        return self.config.should_exist is not False

    @property
    def wipe_entry(self) -> bool:
        return bool(self.config.wipe_partition_entry)


@frozen_model
class PartitionPlan:
    layout: Layout  # the table after the change
    deleted: tuple[int, ...]
    created: tuple[GptEntry, ...]
    steps: tuple[str, ...]

    @property
    def changes_table(self) -> bool:
        return bool(self.deleted or self.created)


def to_sectors(mib: int | None, sector_size: int) -> int | None:
    return None if mib is None else mib * (MIB // sector_size)


def wanted_partitions(disk: Disk, sector_size: int) -> list[Wanted]:
    """The configured partitions, number-0 ones last (a stable sort, as upstream)."""
    items = [
        Wanted(
            p,
            p.number or 0,
            to_sectors(p.start_mib, sector_size),
            to_sectors(p.size_mib, sector_size),
        )
        for p in disk.partitions
    ]
    return sorted(items, key=lambda w: w.number == 0)


def _entry_for(wanted: Wanted, *, with_label: bool = True) -> GptEntry:
    config = wanted.config
    return GptEntry(
        number=wanted.number,
        start=0,
        size=0,
        type_guid=(config.type_guid or "").upper() or GptEntry.type_guid,
        guid=(config.guid or "").upper(),
        label=(config.label or "") if with_label else "",
    )


def _create(layout: Layout, wanted: Wanted, entry: GptEntry) -> GptEntry:
    try:
        return layout.create(entry, wanted.start, wanted.size)
    except LayoutError as err:
        raise PartitionRuleError(str(err)) from err


def resolve_zeros(current: Layout, wanted: list[Wanted]) -> list[Wanted]:
    """Upstream's `sgdisk --pretend`: every configured partition deleted then re-created;
    starts and sizes given as 0 become the sectors that this would give them. Omitted
    starts and sizes of existing partitions mean 'keep' (unless the entry may be wiped)."""
    pretend = current.copy()
    kept: list[Wanted] = []
    for item in wanted:
        existing = current.entries.get(item.number) if item.number else None
        if existing is not None:
            pretend.delete(item.number)
            if not item.wipe_entry:
                item = replace(
                    item,
                    start=existing.start if item.start is None else item.start,
                    size=existing.size if item.size is None else item.size,
                )
        kept.append(item)
    resolved: list[Wanted] = []
    for item in kept:
        placed = None
        if item.should_exist:
            try:
                placed = pretend.create(_entry_for(item, with_label=False), item.start, item.size)
            except LayoutError as err:
                raise PartitionRuleError(str(err)) from err
        if placed is not None and item.number and (item.start == 0 or item.size == 0):
            item = replace(
                item,
                start=placed.start if item.start is not None else None,
                size=placed.size if item.size is not None else None,
            )
        resolved.append(item)
    return resolved


def mismatch(existing: GptEntry, item: Wanted, *, check_size: bool = True) -> str | None:
    """Why an existing partition does not match its config (None when it does)."""
    config = item.config
    if item.start is not None and item.start != existing.start:
        return f"starting sector did not match (specified {item.start}, got {existing.start})"
    if config.guid and config.guid.upper() != existing.guid.upper():
        return (
            f"GUID did not match (specified {go_quote(config.guid)}, got {go_quote(existing.guid)})"
        )
    if config.type_guid and config.type_guid.upper() != existing.type_guid.upper():
        return (
            f"type GUID did not match (specified {go_quote(config.type_guid)}, "
            f"got {go_quote(existing.type_guid)})"
        )
    if config.label is not None and config.label != existing.label:
        specified, got = go_quote(config.label), go_quote(existing.label)
        return f"label did not match (specified {specified}, got {got})"
    if check_size and item.size is not None and item.size != existing.size:
        return f"size did not match (specified {item.size}, got {existing.size})"
    return None


def plan_partitions(disk: Disk, current: Layout) -> PartitionPlan:
    """The operator notes' matrix, partition by partition, then one commit."""
    wanted = resolve_zeros(current, wanted_partitions(disk, current.geometry.sector_size))
    deletions: list[int] = []
    creations: list[tuple[Wanted, GptEntry]] = []
    steps: list[str] = []
    for item in wanted:
        existing = current.entries.get(item.number) if item.number else None
        if existing is None:
            if item.should_exist:
                creations.append((item, _entry_for(item)))
            else:
                steps.append(f"partition {item.number} should not exist and does not")
            continue
        if not item.should_exist:
            if not item.wipe_entry:
                raise PartitionRuleError(
                    f"partition {item.number} exists but is specified as nonexistent "
                    "and wipePartitionEntry is false"
                )
            deletions.append(item.number)
            steps.append(f"delete partition {item.number}")
            continue
        reason = mismatch(existing, item)
        if reason is None:
            steps.append(f"partition {item.number} already matches")
        elif item.config.resize and mismatch(existing, item, check_size=False) is None:
            deletions.append(item.number)
            creations.append((replace(item, start=existing.start), replace(existing, size=0)))
            steps.append(f"resize partition {item.number}")
        elif item.wipe_entry:
            deletions.append(item.number)
            creations.append((item, _entry_for(item)))
            steps.append(f"recreate partition {item.number} (did not match: {reason})")
        else:
            raise PartitionRuleError(f"partition {item.number} didn't match: {reason}")
    final = current.copy()
    for number in deletions:
        final.delete(number)
    created = []
    for item, entry in creations:
        placed = _create(final, item, entry)
        created.append(placed)
        steps.append(f"create {describe_entry(placed, final.geometry.sector_size)}")
    return PartitionPlan(final, tuple(deletions), tuple(created), tuple(steps))


def describe_entry(entry: GptEntry, sector_size: int) -> str:
    label = f" {entry.label!r}" if entry.label else ""
    mib = entry.size * sector_size / MIB
    where = f"at sector {entry.start}, {entry.size} sectors ({mib:g} MiB)"
    return f"partition {entry.number}{label} {where}"
