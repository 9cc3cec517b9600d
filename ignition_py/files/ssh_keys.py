"""SSH keys into `~/.ssh/authorized_keys.d/ignition` (or `~/.ssh/authorized_keys` when
IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT is false), written AS the user, as upstream's
as_user does: a forked child drops to the user's ids with umask 077, creates the missing
directories (0700) and the file (0600, written beside and renamed over the old one, so a
full disk leaves the old keys, not an empty file). Whatever the user could not write,
Ignition does not write either, so a link in a user-owned home cannot be used against
root."""

from __future__ import annotations

import os

from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from ..log_records import ssh_keys_written
from .write_context import WriteContext

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
    ctx: WriteContext
    user: str
    keys: tuple[str, ...]
    fragment: bool

    def describe(self) -> str:
        where = "authorized_keys.d/ignition" if self.fragment else "authorized_keys"
        return f'adding ssh keys to user "{self.user}" (~/.ssh/{where})'

    def apply(self, log: Logger) -> None:
        entry = self.ctx.user(self.user)
        text = "\n".join(self.keys)
        if not text.endswith("\n"):
            text += "\n"
        tail = ("authorized_keys.d", "ignition") if self.fragment else ("authorized_keys",)
        try:
            path = self.ctx.path(entry.home, ".ssh", *tail)
            self.ctx.write_as_user(path, entry.uid, entry.gid, text.encode())
        except OSError as err:
            raise IgnitionError(f"failed to set SSH key: {err.strerror} ({err.filename})") from err
        ssh_keys_written(log, self.user, str(path))
