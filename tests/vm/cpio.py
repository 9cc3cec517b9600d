"""A writer for the "newc" cpio format, the one the kernel unpacks as an initramfs.

Written here rather than calling cpio(1) so that the archive holds device nodes and exact
modes without staging them on the host's filesystem, and comes out byte-identical for
the same inputs (fixed mtime and inode numbers), which keeps cached images comparable.
"""

from __future__ import annotations

import stat
from typing import BinaryIO

_MAGIC = b"070701"
_TRAILER = "TRAILER!!!"


class CpioWriter:
    """Appends entries to an open binary stream; call close() to write the trailer."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._next_inode = 1
        self._written = 0

    def directory(self, name: str, mode: int = 0o755) -> None:
        self._entry(name, stat.S_IFDIR | mode, b"")

    def file(self, name: str, data: bytes, mode: int = 0o644) -> None:
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name: str, target: str) -> None:
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def char_device(self, name: str, major: int, minor: int, mode: int = 0o600) -> None:
        self._entry(name, stat.S_IFCHR | mode, b"", rdev=(major, minor))

    def close(self) -> None:
        self._entry(_TRAILER, 0, b"", inode=0)

    def _entry(
        self, name: str, mode: int, data: bytes, rdev: tuple[int, int] = (0, 0), inode: int = -1
    ) -> None:
        encoded_name = name.lstrip("/").encode() + b"\0"
        if inode < 0:
            inode = self._next_inode
            self._next_inode += 1
        nlink = 2 if stat.S_ISDIR(mode) else 1
        fields = (inode, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1])
        header = _MAGIC + b"".join(b"%08x" % value for value in fields)
        header += b"%08x" % len(encoded_name) + b"%08x" % 0
        self._write(header + encoded_name)
        self._pad()
        self._write(data)
        self._pad()

    def _write(self, chunk: bytes) -> None:
        self._stream.write(chunk)
        self._written += len(chunk)

    def _pad(self) -> None:
        self._write(b"\0" * (-self._written % 4))
