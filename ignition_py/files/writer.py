"""Writing file contents: always into a temporary file in the same directory first, so a
failure (a fetch error, a hash mismatch, a full disk) leaves no half-written file and the
target is either untouched or complete."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from ..errors import IgnitionError

COPY_SIZE = 1 << 16
DEFAULT_FILE_MODE = 0o644


class WriteError(IgnitionError):
    """A file could not be written."""


def _staged(path: Path, contents: BinaryIO) -> tuple[int, str]:
    """The contents in a new temporary file beside `path`: (open fd, its path)."""
    temporary = str(path.parent / f".{path.name}.{os.urandom(6).hex()}.ignition")
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(temporary, flags, 0o600)
    try:
        while chunk := contents.read(COPY_SIZE):
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view) :]
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    return fd, temporary


def replace_file(path: Path, contents: BinaryIO, *, uid: int, gid: int, mode: int) -> None:
    """Write `contents` to `path` atomically (temporary file, then rename)."""
    fd, temporary = _staged(path, contents)
    try:
        os.fchown(fd, uid, gid)
        os.fchmod(fd, mode)
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    finally:
        os.close(fd)


def append_file(path: Path, contents: BinaryIO) -> None:
    """Append `contents` to the regular file `path` (created empty if missing).

    The contents are staged (and so verified) in full before the target is opened, so a
    failed fetch or hash never leaves a partial append behind.
    """
    fd, temporary = _staged(path, contents)
    try:
        os.unlink(temporary)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            target = os.open(path, flags, DEFAULT_FILE_MODE)
        except OSError as err:
            if os.path.islink(path):
                raise WriteError(f"can only append to files: {path} is a symlink") from err
            raise
        try:
            if not stat.S_ISREG(os.fstat(target).st_mode):
                raise WriteError(f"can only append to files: {path}")
            os.lseek(fd, 0, os.SEEK_SET)
            while chunk := os.read(fd, COPY_SIZE):
                os.write(target, chunk)
        finally:
            os.close(target)
    finally:
        os.close(fd)
