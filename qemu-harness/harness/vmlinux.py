"""The uncompressed kernel (vmlinux) inside a bzImage, for QEMU's PVH boot.

Under TCG the kernel's own decompressor spends about 3 s unpacking an xz bzImage; QEMU
loads an ELF vmlinux that carries a PVH entry note directly, so the guest starts at once.
"""

from __future__ import annotations

import lzma
import struct
import zlib
from collections.abc import Callable, Iterator

_ELF_MAGIC = b"\x7fELF"
_XEN_ELFNOTE_PHYS32_ENTRY = 18
_PT_NOTE = 4
_DECOMPRESSORS: tuple[tuple[bytes, Callable[[bytes], bytes]], ...] = (
    (b"\xfd7zXZ\x00", lambda data: lzma.LZMADecompressor().decompress(data)),
    (b"\x1f\x8b\x08", lambda data: zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)),
)


def _candidates(image: bytes) -> Iterator[bytes]:
    """Each decompressed stream that starts where a known magic number occurs."""
    for magic, decompress in _DECOMPRESSORS:
        start = image.find(magic)
        while start >= 0:
            try:
                decompressed: bytes | None = decompress(image[start:])
            except (lzma.LZMAError, zlib.error, EOFError):
                decompressed = None
            if decompressed is not None:
                yield decompressed
            start = image.find(magic, start + 1)


def _notes(elf: bytes) -> Iterator[tuple[bytes, int]]:
    """(name, type) of every note in the PT_NOTE segments of a 64-bit little-endian ELF."""
    (phoff,) = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for index in range(phnum):
        header = phoff + index * phentsize
        (p_type,) = struct.unpack_from("<I", elf, header)
        if p_type != _PT_NOTE:
            continue
        (offset,) = struct.unpack_from("<Q", elf, header + 8)
        (size,) = struct.unpack_from("<Q", elf, header + 32)
        position, end = offset, offset + size
        while position + 12 <= end:
            namesz, descsz, note_type = struct.unpack_from("<III", elf, position)
            name = elf[position + 12 : position + 12 + namesz].rstrip(b"\0")
            yield name, note_type
            position += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4


def has_pvh_entry(elf: bytes) -> bool:
    is_elf64_le = elf[:4] == _ELF_MAGIC and elf[4] == 2 and elf[5] == 1
    return is_elf64_le and any(
        name == b"Xen" and kind == _XEN_ELFNOTE_PHYS32_ENTRY for name, kind in _notes(elf)
    )


def pvh_vmlinux(bzimage: bytes) -> bytes | None:
    """The vmlinux ELF inside `bzimage` if it is xz or gzip compressed and can boot
    through PVH; None otherwise (the caller boots the bzImage itself)."""
    for candidate in _candidates(bzimage):
        if has_pvh_entry(candidate):
            return candidate
    return None
