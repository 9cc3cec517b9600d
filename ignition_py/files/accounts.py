"""Users and groups as the root (`-root`) knows them: its /etc/passwd and /etc/group,
read inside the root (never the host's). Re-read whenever the files change, since the
users step and even a config's own files may rewrite them mid-stage."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import IgnitionError
from ..frozen import frozen_model
from .root_paths import resolve_in_root

Stamp = tuple[int, int, int, int]  # inode, size, mtime, ctime: a file changed or not
MISSING: Stamp = (-1, -1, -1, -1)


class UnknownAccountError(IgnitionError):
    """A user or group name the root's account databases do not have."""


@frozen_model
class UserEntry:
    name: str
    uid: int
    gid: int
    home: str


def parse_passwd(text: str) -> dict[str, UserEntry]:
    users: dict[str, UserEntry] = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) < 7 or line.startswith(("#", "+", "-")):
            continue
        try:
            entry = UserEntry(fields[0], int(fields[2]), int(fields[3]), fields[5])
        except ValueError:
            continue
        users.setdefault(entry.name, entry)  # the first entry wins, as in getpwnam
    return users


def parse_group(text: str) -> dict[str, int]:
    groups: dict[str, int] = {}
    for line in text.splitlines():
        fields = line.split(":")
        if len(fields) < 3 or line.startswith(("#", "+", "-")):
            continue
        try:
            groups.setdefault(fields[0], int(fields[2]))
        except ValueError:
            continue
    return groups


class RootAccounts:
    """Name -> id lookups in the root's account databases: each file resolved once
    a lookup and parsed once a change (the users step and a config's own files may rewrite
    them mid-stage; an unchanged file is neither read nor parsed again)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._users: tuple[Stamp, dict[str, UserEntry]] | None = None
        self._groups: tuple[Stamp, dict[str, int]] | None = None

    def _read(self, name: str, known: Stamp | None) -> tuple[Stamp, str] | None:
        """(stamp, text) of /etc/`name`, or None when its stamp is still `known`."""
        # links, the last one too, are followed inside the root only, never to the host's
        path = resolve_in_root(self.root, "/etc", name, follow_last=True)
        try:
            info = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None if known == MISSING else (MISSING, "")
        stamp = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        if stamp == known:
            return None
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            return stamp, handle.read().decode("utf-8", errors="replace")

    def users(self) -> dict[str, UserEntry]:
        fresh = self._read("passwd", self._users[0] if self._users else None)
        if fresh is not None:
            self._users = (fresh[0], parse_passwd(fresh[1]))
        assert self._users is not None
        return self._users[1]

    def groups(self) -> dict[str, int]:
        fresh = self._read("group", self._groups[0] if self._groups else None)
        if fresh is not None:
            self._groups = (fresh[0], parse_group(fresh[1]))
        assert self._groups is not None
        return self._groups[1]

    def user(self, name: str) -> UserEntry:
        entry = self.users().get(name)
        if entry is None:
            raise UnknownAccountError(f"no such user {name!r} in the root's /etc/passwd")
        return entry

    def uid(self, name: str) -> int:
        return self.user(name).uid

    def gid(self, name: str) -> int:
        gid = self.groups().get(name)
        if gid is None:
            raise UnknownAccountError(f"no such group {name!r} in the root's /etc/group")
        return gid

    def resolve_owner(
        self,
        user_id: int | None,
        user_name: str | None,
        group_id: int | None,
        group_name: str | None,
        default: tuple[int, int],
    ) -> tuple[int, int]:
        """uid/gid of a node: an id wins over a name; unset keeps `default`."""
        uid, gid = default
        if user_id is not None:
            uid = user_id
        elif user_name:
            uid = self.uid(user_name)
        if group_id is not None:
            gid = group_id
        elif group_name:
            gid = self.gid(group_name)
        return uid, gid
