"""Every write of the files stage (and of the config cache) into a filesystem: a new node
(file, directory, link) is made complete (fetched, verified, owned) under a temporary name
beside its path, then moved over the old one with one rename; an append is made in full or
not at all. A fetch error, a hash mismatch, bad gzip or a full disk leave the file as it
was and no temporary file behind. The callers decide paths, bytes, modes and owners.

Nothing here fsyncs a file: as upstream (which never syncs), a rename is the unit of
safety against failures; the files stage syncs once at its end (sync_filesystems), which
costs one call instead of ~0.5 ms per file."""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager

from ..errors import IgnitionError
from ..typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import BinaryIO

COPY_SIZE = 1 << 16
DEFAULT_FILE_MODE = 0o644
TEMPORARY_PREFIX = ".ign"
# rename(2) over a non-empty directory, a directory over a non-directory or the reverse
_RENAME_CANNOT_REPLACE = (errno.EISDIR, errno.ENOTDIR, errno.ENOTEMPTY, errno.EEXIST)
Opener = Callable[[], AbstractContextManager["BinaryIO"]]


class WriteError(IgnitionError):
    """A file could not be written."""


def _temporary_name(path: str | Path) -> str:
    # join: a bare relative name gets its temporary in the working directory, not in /
    return os.path.join(os.path.dirname(path), f"{TEMPORARY_PREFIX}{os.urandom(6).hex()}")


def mounts_at_or_below(path: str | Path) -> list[str]:
    """The mount points (from /proc/self/mountinfo) that are `path` or lie below it."""
    from ..system.mountinfo import mounts

    top = os.path.realpath(path)
    return [
        m.mount_point
        for m in mounts()
        if m.mount_point == top or m.mount_point.startswith(top.rstrip("/") + "/")
    ]


def remove_all(path: str | Path) -> bool:
    """Upstream's os.RemoveAll: whatever is at `path` goes, a directory with its tree;
    except that a tree holding a mount point is refused whole (v2.26.0 empties the
    mounted filesystem before failing on the mount point).

    Raises WriteError for such a tree."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(info.st_mode):
        mounted = mounts_at_or_below(path)
        if mounted:
            raise WriteError(f"refusing to remove {path}: {mounted[0]} is mounted there")
        import shutil  # only overwritten directories pay for it

        shutil.rmtree(path)
    else:
        os.unlink(path)
    return True


def place(temporary: str | Path, path: Path, *, fresh: bool = False) -> None:
    """Move the complete node `temporary` to `path` over whatever is there: one rename, or,
    where rename cannot replace (a directory, or a non-directory over one), the old node
    removed right before. `temporary` is gone afterwards, whatever happened (`fresh`: it
    is a new inode, so no hard link to the node at `path`, which rename would leave)."""
    placed = False
    try:
        try:
            os.rename(temporary, path)
        except OSError as err:
            if err.errno not in _RENAME_CANNOT_REPLACE:
                raise
            remove_all(path)
            os.rename(temporary, path)
        placed = True
    finally:
        if not (fresh and placed) and os.path.lexists(temporary):
            remove_all(temporary)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _copy(source: BinaryIO, fd: int) -> None:
    while chunk := source.read(COPY_SIZE):
        _write_all(fd, chunk)


def _new_file(temporary: str) -> int:
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    return os.open(temporary, flags, 0o600)


def replace_file(path: Path, parts: Iterable[Opener], *, uid: int, gid: int, mode: int) -> None:
    """`path` becomes a new regular file holding each of `parts` in turn (every one read to
    its end, so verified), owned uid:gid with `mode`: written beside, then renamed over."""
    temporary = _temporary_name(path)
    fd = _new_file(temporary)
    try:
        for part in parts:
            with part() as contents:
                _copy(contents, fd)
        os.fchown(fd, uid, gid)  # before the mode: chown clears set-id bits
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        os.unlink(temporary)
        raise
    os.close(fd)
    place(temporary, path, fresh=True)


def append_file(path: Path, parts: Iterable[Opener], *, mode: int = DEFAULT_FILE_MODE) -> None:
    """Append every one of `parts` to the regular file `path`, or nothing: all are staged
    (fetched, verified) beside it first, and a failed write is cut back off. A missing
    `path` is made as by replace_file (root, `mode`)."""
    if not os.path.lexists(path):
        replace_file(path, parts, uid=0, gid=0, mode=mode)
        return
    temporary = _temporary_name(path)
    staged = _new_file(temporary)
    try:
        os.unlink(temporary)
        for part in parts:
            with part() as contents:
                _copy(contents, staged)
        os.lseek(staged, 0, os.SEEK_SET)

        def copy_staged(target: int) -> None:
            while chunk := os.read(staged, COPY_SIZE):
                _write_all(target, chunk)

        _append_to(path, copy_staged)
    finally:
        os.close(staged)


def append_bytes(path: Path, data: bytes, *, mode: int = DEFAULT_FILE_MODE) -> None:
    """append_file of bytes already in memory (nothing to fetch, so nothing to stage): a
    new root-owned file with `mode` when nothing is at `path`. Raises WriteError when
    `path` is a link or not a regular file, OSError when it cannot be written."""
    if not os.path.lexists(path):
        replace_file(path, [lambda: io.BytesIO(data)], uid=0, gid=0, mode=mode)
        return
    _append_to(path, lambda target: _write_all(target, data))


def _append_to(path: Path, write: Callable[[int], None]) -> None:
    """`write` into the regular file `path` opened for appending (a link there is
    refused), its length restored when the write fails."""
    try:
        target = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as err:
        if os.path.islink(path):
            raise WriteError(f"can only append to files: {path} is a symlink") from err
        raise
    try:
        info = os.fstat(target)
        if not stat.S_ISREG(info.st_mode):
            raise WriteError(f"can only append to files: {path}")
        try:
            write(target)
        except BaseException:
            os.ftruncate(target, info.st_size)
            raise
    finally:
        os.close(target)


def write_atomic(path: str | Path, data: bytes, mode: int = 0o600) -> None:
    """`path` becomes a new regular file holding `data` with `mode` (umask aside), owned
    by the caller: written beside under a fresh name (O_EXCL, never following a link),
    then renamed over the old one, so a reader or a full disk never sees half of it.
    Raises OSError; the temporary file is gone whatever happened."""
    temporary = _temporary_name(path)
    fd = _new_file(temporary)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.rename(temporary, path)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def new_directory(path: Path, mode: int) -> None:
    """A new empty directory with `mode` (umask aside) placed at `path` over whatever
    is there (see place)."""
    temporary = _temporary_name(path)
    os.mkdir(temporary, mode)
    os.chmod(temporary, mode)
    place(temporary, path, fresh=True)


def new_symlink(path: Path, target: str, owner: tuple[int, int] | None = None) -> None:
    """A symlink to `target` (owned by `owner` when given) placed at `path`."""
    temporary = _temporary_name(path)
    os.symlink(target, temporary)
    try:
        if owner is not None:
            os.lchown(temporary, *owner)
    except BaseException:
        os.unlink(temporary)
        raise
    place(temporary, path, fresh=True)


def new_hard_link(path: Path, existing: Path) -> None:
    """A hard link to the node `existing` (a link itself is not followed) placed at
    `path`."""
    temporary = _temporary_name(path)
    os.link(existing, temporary, follow_symlinks=False)
    place(temporary, path)


def set_mode_and_owner(path: Path, mode: int | None, owner: tuple[int, int] | None) -> None:
    """chmod `path` to `mode` (its permission bits) when given, then lchown it to `owner`
    when given (a link itself is changed, never what it points to)."""
    if mode is not None:
        os.chmod(path, mode & 0o7777)
    if owner is not None:
        os.lchown(path, *owner)


def make_directories(directories: Iterable[Path], mode: int) -> None:
    """mkdir each of `directories` in turn with `mode` (umask aside), owned by the caller."""
    for directory in directories:
        os.mkdir(directory, mode)
        os.chmod(directory, mode)


def hand_directory(path: Path, owner: tuple[int, int], mode: int) -> None:
    """fchown then fchmod the directory at `path` itself: a link there is refused
    (ELOOP/ENOTDIR), never followed."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        os.fchown(fd, *owner)
        os.fchmod(fd, mode)
    finally:
        os.close(fd)


def remove_node(path: Path) -> None:
    """unlink(2) the non-directory at `path` (a link itself, never what it points to)."""
    os.unlink(path)


def sync_filesystems() -> None:
    """sync(2): every write of the stage reaches the disks, on the root's filesystem and on
    each filesystem mounted under it, renames included, in one call."""
    os.sync()
