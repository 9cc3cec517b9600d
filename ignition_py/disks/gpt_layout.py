"""A GPT partition table in memory, and sgdisk's placement rules for new partitions.

Upstream Ignition resolves zero starts and sizes by running `sgdisk --pretend`, so the
exact placement (largest free block, alignment, default end) is sgdisk's (GPT fdisk
1.0.9). This module reproduces that arithmetic so that ignition-py puts partitions on the
same sectors without calling sgdisk.
"""

from __future__ import annotations

from ..frozen import replace
from ..system.gpt import ENTRY_COUNT, ENTRY_SIZE, LINUX_FILESYSTEM_TYPE, Geometry, GptEntry

__all__ = ["ENTRY_COUNT", "ENTRY_SIZE", "LINUX_FILESYSTEM_TYPE", "Geometry", "GptEntry", "Layout"]

DEFAULT_ALIGNMENT = 2048  # in 512-byte sectors
MIN_ADVANCED_FORMAT_ALIGNMENT = 8
SMALLEST_ADVANCED_FORMAT = 585937500  # sectors: below this size, no minimum alignment


class LayoutError(Exception):
    """A partition cannot be placed (no room, overlap, number in use)."""


class Layout:
    """A working table: deletions and creations applied in order, as sgdisk does.
    Mutable (create and delete change `entries`); alignment 0 = computed from the table."""

    __slots__ = ("alignment", "entries", "geometry")
    __hash__ = None  # type: ignore[assignment]

    def __init__(
        self, geometry: Geometry, entries: dict[int, GptEntry] | None = None, alignment: int = 0
    ) -> None:
        self.geometry = geometry
        self.entries: dict[int, GptEntry] = {} if entries is None else entries
        self.alignment = alignment or compute_alignment(geometry, list(self.entries.values()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Layout):
            return NotImplemented
        mine = (self.geometry, self.entries, self.alignment)
        return mine == (other.geometry, other.entries, other.alignment)

    def __repr__(self) -> str:
        return (
            f"Layout(geometry={self.geometry!r}, entries={self.entries!r}, "
            f"alignment={self.alignment!r})"
        )

    def copy(self) -> Layout:
        return Layout(self.geometry, dict(self.entries), self.alignment)

    def is_free(self, sector: int) -> bool:
        if sector < self.geometry.first_usable or sector > self.geometry.last_usable:
            return False
        return not any(e.start <= sector <= e.end for e in self.entries.values())

    def first_available(self, start: int) -> int:
        """The first free sector at or after start, 0 if none."""
        first = max(start, self.geometry.first_usable)
        moved = True
        while moved:
            moved = False
            for entry in self.entries.values():
                if entry.start <= first <= entry.end:
                    first = entry.end + 1
                    moved = True
        return 0 if first > self.geometry.last_usable else first

    def last_in_free(self, start: int) -> int:
        """The last sector of the free block that holds start."""
        last = self.geometry.last_usable
        for entry in self.entries.values():
            if start < entry.start <= last:
                last = entry.start - 1
        return last

    def first_in_largest(self) -> int:
        """The first sector of the largest free block (the earliest on a tie), 0 if full."""
        start, selected, selected_size = 0, 0, 0
        while True:
            first = self.first_available(start)
            if first == 0:
                return selected
            last = self.last_in_free(first)
            if last - first + 1 > selected_size:
                selected, selected_size = first, last - first + 1
            start = last + 1

    def align(self, sector: int) -> int:
        """sgdisk's Align(): the aligned sector before, if all free up to sector, else after."""
        if sector % self.alignment == 0:
            return sector
        earlier = sector // self.alignment * self.alignment
        later = earlier + self.alignment
        if earlier >= self.geometry.first_usable and self.all_free(earlier, sector):
            return earlier
        if later <= self.geometry.last_usable and self.all_free(sector + 1, later + 1):
            return later
        return sector

    def all_free(self, first: int, stop: int) -> bool:
        """Every sector of first..stop-1 is free (is_free), without asking each one."""
        if first >= stop:
            return True
        last = stop - 1
        if first < self.geometry.first_usable or last > self.geometry.last_usable:
            return False
        return not any(e.start <= last and e.end >= first for e in self.entries.values())

    def first_free_number(self) -> int:
        number = 1
        while number in self.entries:
            number += 1
        return number

    def delete(self, number: int) -> None:
        self.entries.pop(number, None)

    def create(self, entry: GptEntry, start: int | None, size: int | None) -> GptEntry:
        """Place a partition as `sgdisk --new=N:START:END` would.

        start None or 0 = the start of the largest free block; size None or 0 = up to the
        end of that block; entry.number 0 = the first free number.
        """
        low = self.align(self.first_in_largest())
        high = self.last_in_free(low)
        first = start if start else low
        last = first + size - 1 if size else high
        number = entry.number or self.first_free_number()
        if number in self.entries:
            raise LayoutError(f"partition {number} already exists")
        if number > ENTRY_COUNT:
            raise LayoutError(f"partition number {number} is above the table's {ENTRY_COUNT}")
        first = self.align(first)
        if low == 0 and not start:
            total_mib = self.geometry.total_sectors * self.geometry.sector_size / (1 << 20)
            raise LayoutError(
                f"could not create partition {number}: no free space is left on the disk "
                f"({self.geometry.total_sectors} sectors, {total_mib:g} MiB)"
            )
        if low == 0 or not self.is_free(first) or first > last or self.last_in_free(first) < last:
            raise LayoutError(
                f"could not create partition {number} from sector {first} to {last}: "
                "the space is not free (overlap, or no room left on the disk)"
            )
        placed = replace(entry, number=number, start=first, size=last - first + 1)
        self.entries[number] = placed
        return placed


def compute_alignment(geometry: Geometry, entries: list[GptEntry]) -> int:
    """sgdisk's ComputeAlignment(): 1 MiB, lowered to what existing partitions start on."""
    align = DEFAULT_ALIGNMENT * 512 // geometry.sector_size
    exponent = align.bit_length() - 1
    for entry in entries:
        while entry.start % (1 << exponent):
            exponent -= 1
        align = 1 << exponent
    if align < MIN_ADVANCED_FORMAT_ALIGNMENT and geometry.total_sectors >= SMALLEST_ADVANCED_FORMAT:
        align = MIN_ADVANCED_FORMAT_ALIGNMENT
    return align
