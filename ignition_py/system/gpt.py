"""Read and write GUID partition tables on a block device (or an image file).

libparted 3.5 (bookworm) can neither choose partition numbers nor set type or partition
GUIDs, which Ignition configs need, so the table is written here: protective MBR, primary
header and entries, backup entries and header, CRC32s, as sgdisk lays them out.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Mapping

from ..frozen import field, frozen_model

LINUX_FILESYSTEM_TYPE = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"  # sgdisk's default (8300)
ENTRY_COUNT = 128
ENTRY_SIZE = 128
SIGNATURE = b"EFI PART"
REVISION = 0x00010000
HEADER_SIZE = 92
_HEADER = struct.Struct("<8sIIIIQQQQ16sQIII")
_ENTRY = struct.Struct("<16s16sQQQ72s")
NAME_UNITS = 36


@frozen_model
class Header:
    """A GPT header's fields, in their on-disk order (UEFI spec, table 5-5)."""

    signature: bytes
    revision: int
    header_size: int
    crc: int
    reserved: int
    my_lba: int
    other_lba: int
    first_usable: int
    last_usable: int
    disk_guid: bytes
    entries_lba: int
    entry_count: int
    entry_size: int
    entries_crc: int


@frozen_model
class GptEntry:
    """One partition entry; start and size in logical sectors."""

    number: int
    start: int  # first sector
    size: int  # in sectors
    type_guid: str = LINUX_FILESYSTEM_TYPE
    guid: str = ""  # empty until a random one is drawn at write time
    label: str = ""
    attributes: int = 0

    @property
    def end(self) -> int:
        return self.start + self.size - 1


@frozen_model
class Geometry:
    """A disk's size and the sectors a GPT leaves usable, in logical sectors."""

    sector_size: int
    total_sectors: int
    first_usable: int
    last_usable: int

    @classmethod
    def fresh(cls, sector_size: int, total_sectors: int) -> Geometry:
        """What sgdisk lays out on a disk without a table: 128 entries, backup at the end."""
        entry_sectors = -(-ENTRY_COUNT * ENTRY_SIZE // sector_size)
        return cls(sector_size, total_sectors, 2 + entry_sectors, total_sectors - 2 - entry_sectors)


@frozen_model
class DiskTable:
    """What is on a disk now: a GPT (entries by number + disk GUID), or nothing, or
    something else (then geometry is a fresh one and entries is empty)."""

    geometry: Geometry
    disk_guid: str
    kind: str  # "gpt", "none" or the name of another partition table ("dos")
    entries: Mapping[int, GptEntry] = field(default_factory=dict)


# GUIDs by hand rather than with `uuid`, whose import brings `platform` (~60 ms per
# stage in a TCG guest): on disk the first three groups are little-endian (UEFI spec).


def _guid_bytes(text: str) -> bytes:
    """ "0FC63DAF-8483-4772-8E79-3D47D8E477E4" (any case, braces or "urn:uuid:" allowed,
    as uuid.UUID reads it) -> its 16 bytes as GPT stores them. Raises ValueError."""
    digits = text.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "")
    if len(digits) != 32:
        raise ValueError(f"badly formed GUID {text!r}")
    raw = bytes.fromhex(digits)
    return raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:]


def _guid_text(raw: bytes) -> str:
    """16 bytes as GPT stores them -> "0FC63DAF-8483-4772-8E79-3D47D8E477E4"."""
    return _dashed(raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:])


def _random_guid() -> str:
    """A random (version 4, RFC 4122 variant) GUID, as uuid.uuid4 and sgdisk draw them."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return _dashed(bytes(raw))


def _dashed(big_endian: bytes) -> str:
    """16 bytes in reading order -> "0FC63DAF-8483-4772-8E79-3D47D8E477E4"."""
    digits = big_endian.hex().upper()
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def read_table(fd: int, sector_size: int, total_sectors: int) -> DiskTable:
    """The table on an open disk (or image); never raises for a missing or damaged GPT:
    the primary header, else the backup, else "none"/"dos"."""
    fresh = Geometry.fresh(sector_size, total_sectors)
    primary = _read_header(fd, 1, sector_size)
    header = primary or _read_header(fd, total_sectors - 1, sector_size)
    if header is None:
        mbr = os.pread(fd, 512, 0)
        kind = "dos" if mbr[510:512] == b"\x55\xaa" and not _is_protective(mbr) else "none"
        return DiskTable(fresh, "", kind)
    count, size = header.entry_count, header.entry_size
    raw = os.pread(fd, count * size, header.entries_lba * sector_size)
    entries: dict[int, GptEntry] = {}
    for index in range(count):
        chunk = raw[index * size : index * size + _ENTRY.size]
        type_raw, guid_raw, start, end, attributes, name_raw = _ENTRY.unpack(chunk)
        if type_raw == b"\x00" * 16:
            continue
        name = name_raw.decode("utf-16-le", "replace").split("\x00", 1)[0]
        entries[index + 1] = GptEntry(
            index + 1, start, end - start + 1, _guid_text(type_raw), _guid_text(guid_raw), name,
            attributes,
        )  # fmt: skip
    last = min(header.last_usable, total_sectors - 34)
    geometry = Geometry(sector_size, total_sectors, header.first_usable, last)
    return DiskTable(geometry, _guid_text(header.disk_guid), "gpt", entries)


def _is_protective(mbr: bytes) -> bool:
    return any(mbr[446 + 16 * i + 4] == 0xEE for i in range(4))


def _read_header(fd: int, lba: int, sector_size: int) -> Header | None:
    if lba <= 0:
        return None
    raw = os.pread(fd, sector_size, lba * sector_size)
    if len(raw) < HEADER_SIZE or raw[:8] != SIGNATURE:
        return None
    header = Header(*_HEADER.unpack(raw[: _HEADER.size]))
    if not HEADER_SIZE <= header.header_size <= sector_size:
        return None
    check = bytearray(raw[: header.header_size])
    check[16:20] = b"\x00\x00\x00\x00"
    if zlib.crc32(bytes(check)) != header.crc:
        return None
    count, size = header.entry_count, header.entry_size
    if size < _ENTRY.size or count * size > 1024 * 1024:
        return None
    entries = os.pread(fd, count * size, header.entries_lba * sector_size)
    if zlib.crc32(entries) != header.entries_crc:
        return None
    return header


def _entries_blob(entries: Mapping[int, GptEntry]) -> bytes:
    blob = bytearray(ENTRY_COUNT * ENTRY_SIZE)
    for number, entry in entries.items():
        name = entry.label.encode("utf-16-le")[: NAME_UNITS * 2]
        packed = _ENTRY.pack(
            _guid_bytes(entry.type_guid), _guid_bytes(entry.guid or _random_guid()),
            entry.start, entry.end, entry.attributes, name.ljust(72, b"\x00"),
        )  # fmt: skip
        offset = (number - 1) * ENTRY_SIZE
        blob[offset : offset + len(packed)] = packed
    return bytes(blob)


def _header(geometry: Geometry, disk_guid: str, mine: int, other: int, entries_lba: int,
            entries_crc: int) -> bytes:  # fmt: skip
    fields = [
        SIGNATURE, REVISION, HEADER_SIZE, 0, 0, mine, other, geometry.first_usable,
        geometry.last_usable, _guid_bytes(disk_guid), entries_lba, ENTRY_COUNT, ENTRY_SIZE,
        entries_crc,
    ]  # fmt: skip
    crc = zlib.crc32(_HEADER.pack(*fields))
    fields[3] = crc
    return _HEADER.pack(*fields)


def _protective_mbr(fd: int, total_sectors: int) -> bytes:
    mbr = bytearray(os.pread(fd, 512, 0).ljust(512, b"\x00"))
    mbr[446:510] = b"\x00" * 64
    size = min(total_sectors - 1, 0xFFFFFFFF)
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\x00\x02\x00", 0xEE, b"\xff\xff\xff", 1, size)
    mbr[510:512] = b"\x55\xaa"
    return bytes(mbr)


def write_table(
    fd: int, geometry: Geometry, entries: Mapping[int, GptEntry], disk_guid: str
) -> None:
    """Write the whole table (MBR, both headers and entry arrays), then fsync. An empty
    disk_guid or entry GUID is drawn at random, as sgdisk does. Raises OSError."""
    sector = geometry.sector_size
    total = geometry.total_sectors
    blob = _entries_blob(entries)
    crc = zlib.crc32(blob)
    guid = disk_guid or _random_guid()
    backup_entries = total - 1 - len(blob) // sector
    os.pwrite(fd, _protective_mbr(fd, total), 0)
    os.pwrite(fd, _header(geometry, guid, 1, total - 1, 2, crc).ljust(sector, b"\x00"), sector)
    os.pwrite(fd, blob, 2 * sector)
    os.pwrite(fd, blob, backup_entries * sector)
    backup = _header(geometry, guid, total - 1, 1, backup_entries, crc)
    os.pwrite(fd, backup.ljust(sector, b"\x00"), (total - 1) * sector)
    os.fsync(fd)


def table_regions(sector_size: int, total_sectors: int) -> tuple[tuple[int, int], ...]:
    """(byte offset, length) of every sector a table write or zap may change: MBR, primary
    header and entries at the start; backup entries and header at the end."""
    head = 2 + ENTRY_COUNT * ENTRY_SIZE // sector_size
    tail = min(head - 1, total_sectors - head)
    return (0, head * sector_size), ((total_sectors - tail) * sector_size, tail * sector_size)


def zap(fd: int, sector_size: int, total_sectors: int) -> None:
    """`sgdisk --zap-all`: destroy the GPT (both copies) and the MBR."""
    for offset, length in table_regions(sector_size, total_sectors):
        os.pwrite(fd, b"\x00" * length, offset)
    os.fsync(fd)


SavedSectors = tuple[tuple[int, bytes], ...]  # (byte offset, contents)


def smallest_disk(sector_size: int) -> int:
    """Sectors a disk needs for a GPT: MBR, two headers, two entry arrays, one usable."""
    return 3 + 2 * (-(-ENTRY_COUNT * ENTRY_SIZE // sector_size)) + 1


def save_table_sectors(fd: int, sector_size: int, total_sectors: int) -> SavedSectors:
    """A copy of every sector zap and write_table may change, for restore_table_sectors."""
    regions = table_regions(sector_size, total_sectors)
    return tuple((offset, os.pread(fd, length, offset)) for offset, length in regions)


def restore_table_sectors(fd: int, saved: SavedSectors) -> None:
    for offset, contents in saved:
        os.pwrite(fd, contents, offset)
    os.fsync(fd)
