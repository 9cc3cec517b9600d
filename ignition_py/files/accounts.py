"""Users and groups as the TARGET system knows them: its /etc/passwd and /etc/group,
read inside the root (never the host's). Re-read whenever the files change, since the
users step and even a config's own files may rewrite them mid-stage."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import IgnitionError
from ..frozen import frozen_model
from .paths import read_in_root, resolve_in_root


class UnknownAccountError(IgnitionError):
    """A user or group name the target system does not have."""


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


class TargetAccounts:
    """Name -> id lookups in the target root's account databases."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._cache: dict[str, tuple[tuple[int, int, int], str]] = {}

    def _read(self, name: str) -> str:
        # links, the last one too, are followed inside the root only, never to the host's
        path = resolve_in_root(self.root, "/etc", name, follow_last=True)
        try:
            info = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return ""
        key = (info.st_ino, info.st_size, info.st_mtime_ns)
        cached = self._cache.get(name)
        if cached is not None and cached[0] == key:
            return cached[1]
        raw = read_in_root(self.root, f"/etc/{name}") or b""
        text = raw.decode("utf-8", errors="replace")
        self._cache[name] = (key, text)
        return text

    def users(self) -> dict[str, UserEntry]:
        return parse_passwd(self._read("passwd"))

    def groups(self) -> dict[str, int]:
        return parse_group(self._read("group"))

    def user(self, name: str) -> UserEntry:
        entry = self.users().get(name)
        if entry is None:
            raise UnknownAccountError(f"no such user {name!r} in the target's /etc/passwd")
        return entry

    def uid(self, name: str) -> int:
        return self.user(name).uid

    def gid(self, name: str) -> int:
        gid = self.groups().get(name)
        if gid is None:
            raise UnknownAccountError(f"no such group {name!r} in the target's /etc/group")
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
