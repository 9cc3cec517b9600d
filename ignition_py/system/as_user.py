"""Writing a file as another user, as upstream's as_user does: a forked child drops to
the user's ids with umask 077, creates the missing directories (0700) and the file (0600,
written beside and renamed over the old one). Whatever the user could not write is not
written either, so a link in a user-owned directory cannot be used against root."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..errors import IgnitionError
from .fs_writes import write_atomic


def write_as_user(uid: int, gid: int, path: Path, data: bytes) -> None:
    """mkdir -p (0700) and write (0600, a new file renamed over the old) as uid:gid, in a
    child process. Raises IgnitionError ("failed to set SSH key: ...", upstream's words:
    its one use) with the child's OSError."""
    from .commands import restore_child_signal

    restore_child_signal()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        status = 0
        try:
            _as_user(uid, gid, path, data)
        except OSError as err:
            os.write(writer, f"{err.strerror or err} ({err.filename or path})".encode())
            status = 1
        except BaseException:
            status = 2
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        message = pipe.read().decode(errors="replace")
    _, wait_status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(wait_status) != 0:
        raise IgnitionError(f"failed to set SSH key: {message or 'writer process failed'}")


def _as_user(uid: int, gid: int, path: Path, data: bytes) -> None:
    os.setgroups([])
    os.setegid(gid)
    os.seteuid(uid)
    os.umask(0o077)
    current = Path("/")
    for part in path.parent.parts[1:]:
        current = current / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(current, 0o700)
    # a new file beside, then one rename: a full disk never leaves the keys file empty
    write_atomic(path, data, 0o600)
