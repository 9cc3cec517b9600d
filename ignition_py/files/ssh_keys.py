"""SSH keys into `~/.ssh/authorized_keys.d/ignition` (or `~/.ssh/authorized_keys` when
IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT is false), written AS the user, as upstream's
as_user does: a forked child drops to the user's ids with umask 077, creates the missing
directories (0700) and the file (0600, written beside and renamed over the old one, so a
full disk leaves the old keys, not an empty file). Whatever the user could not write,
Ignition does not write either, so a link in a user-owned home cannot be used against
root."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from .target import Target
from .writer import temporary_beside

FRAGMENT_ENV = "IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT"


def write_fragment_enabled() -> bool:
    value = os.environ.get(FRAGMENT_ENV, "")
    if value in ("", "true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise IgnitionError(f"{FRAGMENT_ENV}={value!r} cannot be interpreted as a boolean")


@frozen_model
class SSHKeysAction:
    target: Target
    user: str
    keys: tuple[str, ...]
    fragment: bool

    def describe(self) -> str:
        where = "authorized_keys.d/ignition" if self.fragment else "authorized_keys"
        return f'adding ssh keys to user "{self.user}" (~/.ssh/{where})'

    def apply(self, log: Logger) -> None:
        entry = self.target.user(self.user)
        text = "\n".join(self.keys)
        if not text.endswith("\n"):
            text += "\n"
        tail = ("authorized_keys.d", "ignition") if self.fragment else ("authorized_keys",)
        try:
            path = self.target.path(entry.home, ".ssh", *tail)
            write_as_user(entry.uid, entry.gid, path, text.encode())
        except OSError as err:
            raise IgnitionError(f"failed to set SSH key: {err.strerror} ({err.filename})") from err
        log.info(f"wrote ssh authorized keys file for user: {self.user}")


def write_as_user(uid: int, gid: int, path: Path, data: bytes) -> None:
    """mkdir -p (0700) and write (0600, a new file renamed over the old) as uid:gid, in a
    child process."""
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
    temporary = temporary_beside(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(temporary, flags, 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.rename(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
