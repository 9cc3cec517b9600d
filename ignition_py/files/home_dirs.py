"""Upstream's ModifyHomeDirPermissions: a directory the mount stage created for a mount
point (recorded in the state file's `notatedDirectories`) that is a user's home or lies
below it is handed to that user (uid and primary gid) with mode 0700, so the user, and
the files stage writing SSH keys as the user, can use it. Done for every user that should
exist and may have a home (not `noCreateHome`), new or existing, right after useradd or
usermod and before the password and the keys."""

from __future__ import annotations

import os

from ..frozen import frozen_model
from ..log import Logger
from ..system.fs_writes import hand_directory
from .write_context import WriteContext, os_failure

HOME_MODE = 0o700  # upstream: "more restrictive than necessary for some subdirs"


def under_home(directory: str, home: str) -> bool:
    """Upstream's test, string-wise: the home itself or a path below `home/`."""
    return directory == home or directory.startswith(home + "/")


@frozen_model
class HomeDirPermissionsAction:
    ctx: WriteContext
    user: str
    notated: tuple[str, ...]

    def describe(self) -> str:
        return f'handing mount-stage directories in the home of "{self.user}" to the user'

    def apply(self, log: Logger) -> None:
        entry = self.ctx.user(self.user)
        for directory in self.notated:
            if not under_home(directory, entry.home):
                continue
            path = self.ctx.path(directory)
            try:
                self.ctx.refuse_root(path, f"handing {directory} to {self.user!r}")
                hand_directory(path, (entry.uid, entry.gid), HOME_MODE)
            except OSError as err:
                what = f"failed to modify home directory permissions for {self.user!r}"
                raise os_failure(what, err) from err
            log.debug(f"{directory}: owner {entry.uid}:{entry.gid}, mode 0700")


@frozen_model
class HomesExistAction:
    """After all users, upstream looks at the home of every configured user that should
    exist and may have one (to relabel it, SELinux or not) and fails the stage when it
    cannot: an existing user whose home is missing fails the boot there."""

    ctx: WriteContext
    users: tuple[str, ...]

    def describe(self) -> str:
        return f"checking the homes of {', '.join(repr(u) for u in self.users)}"

    def apply(self, log: Logger) -> None:
        for name in self.users:
            path = self.ctx.path(self.ctx.user(name).home)
            try:
                os.lstat(path)
            except OSError as err:
                raise os_failure(f"home directory of {name!r}", err) from err
