"""How many bytes a filesystem occupies, read from its superblock.

blkid 2.38 (bookworm) reports no FSSIZE, so the disks stage reads the size itself before
it lets `resize` shrink a partition: a partition smaller than its filesystem cuts off the
filesystem's end. `head` is the start of the partition, at least HEAD_BYTES long when
the partition is.
"""

from __future__ import annotations

import struct

HEAD_BYTES = 128 * 1024
SIZED_TYPES = ("ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "swap")
_EXT_SUPERBLOCK = 1024
_EXT_INCOMPAT_64BIT = 0x80
_BTRFS_SUPERBLOCK = 0x10000
_SWAP_PAGE_SIZES = (4096, 8192, 16384, 32768, 65536)


def filesystem_size(fs_type: str, head: bytes) -> int | None:
    """Bytes the filesystem of blkid type `fs_type` spans, or None when the type is not
    one of SIZED_TYPES or its superblock cannot be read from `head`."""
    reader = _READERS.get(fs_type)
    if reader is None:
        return None
    try:
        return reader(head)
    except struct.error:  # head shorter than the superblock
        return None


def _ext(head: bytes) -> int | None:
    sb = _EXT_SUPERBLOCK
    (magic,) = struct.unpack_from("<H", head, sb + 0x38)
    if magic != 0xEF53:
        return None
    (blocks,) = struct.unpack_from("<I", head, sb + 0x04)
    (incompat,) = struct.unpack_from("<I", head, sb + 0x60)
    if incompat & _EXT_INCOMPAT_64BIT:
        blocks |= struct.unpack_from("<I", head, sb + 0x150)[0] << 32
    (log_size,) = struct.unpack_from("<I", head, sb + 0x18)
    return int(blocks * (1024 << log_size))


def _xfs(head: bytes) -> int | None:
    if head[:4] != b"XFSB":
        return None
    block_size, data_blocks = struct.unpack_from(">IQ", head, 4)
    return int(block_size * data_blocks)


def _btrfs(head: bytes) -> int | None:
    sb = _BTRFS_SUPERBLOCK
    if head[sb + 0x40 : sb + 0x48] != b"_BHRfS_M":
        return None
    (device_bytes,) = struct.unpack_from("<Q", head, sb + 0xC9 + 8)  # dev_item.total_bytes
    return int(device_bytes)


def _vfat(head: bytes) -> int | None:
    (sector,) = struct.unpack_from("<H", head, 0x0B)
    (small,) = struct.unpack_from("<H", head, 0x13)
    (large,) = struct.unpack_from("<I", head, 0x20)
    if not sector:
        return None
    return int(sector * (small or large))


def _swap(head: bytes) -> int | None:
    for page in _SWAP_PAGE_SIZES:
        if head[page - 10 : page] in (b"SWAPSPACE2", b"SWAP-SPACE"):
            for order in ("<", ">"):
                version, last_page = struct.unpack_from(f"{order}II", head, 1024)
                if version == 1:
                    return int((last_page + 1) * page)
            return None
    return None


_READERS = {
    "ext2": _ext,
    "ext3": _ext,
    "ext4": _ext,
    "xfs": _xfs,
    "btrfs": _btrfs,
    "vfat": _vfat,
    "swap": _swap,
}
