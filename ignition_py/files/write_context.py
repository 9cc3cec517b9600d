"""The files stage's write context, shared by its actions: the root it writes into,
path resolution, the root's accounts, ownership and permission changes, and the resource fetcher."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..config.model import NodeGroup, NodeUser, Resource
from ..errors import IgnitionError
from ..log import Logger
from ..resources.contents import Fetch, read_contents
from ..resources.errors import UnsupportedSchemeError
from ..resources.urls import scheme_of
from ..system.fs_writes import Opener, replace_file, set_mode_and_owner
from ..typecheck import TYPE_CHECKING
from .accounts import RootAccounts, UserEntry
from .root_paths import ResolveMemo, make_parents, resolve_in_root, shapes_paths

if TYPE_CHECKING:
    from typing import BinaryIO


def _no_fetcher() -> Fetch | None:
    return None


class WriteContext:
    """The stage's one mutable context (not a record): the root, its accounts, the fetcher
    made on first use, and a generation bumped whenever the tree may have changed shape
    (a link made, a link or directory replaced or removed, a tool run): paths resolved
    before are then resolved again, and what resolving learnt of the tree is forgotten."""

    def __init__(
        self,
        root: Path,
        accounts: RootAccounts,
        make_fetcher: Callable[[], Fetch | None] = _no_fetcher,
    ) -> None:
        self.root = root
        self.accounts = accounts
        self.make_fetcher = make_fetcher
        self.generation = 0
        self._fetcher: Fetch | None = None
        self._known = ResolveMemo()
        self._root_text = os.path.normpath(root)
        self._enablement: dict[str, bool] = {}
        self._enablement_generation = -1
        self._batching = True

    @classmethod
    def at(
        cls, root: str | Path, make_fetcher: Callable[[], Fetch | None] = _no_fetcher
    ) -> WriteContext:
        absolute = Path(os.path.abspath(root))
        return cls(absolute, RootAccounts(absolute), make_fetcher)

    def path(self, *parts: str) -> Path:
        return resolve_in_root(self.root, *parts, known=self._known)

    def make_parents(self, path: Path) -> None:
        """root_paths.make_parents in the root, remembering (until reshaped) what it saw."""
        make_parents(self.root, path, self._known)

    def write_file(self, path: Path, parts: list[Opener], *, uid: int, gid: int, mode: int) -> None:
        """fs_writes.replace_file (parents made first); the tree has changed shape when it
        replaced a link or a directory."""
        self.make_parents(path)
        reshapes = shapes_paths(path)
        replace_file(path, parts, uid=uid, gid=gid, mode=mode)
        if reshapes:
            self.reshaped()

    def write_as_user(self, path: Path, uid: int, gid: int, data: bytes) -> None:
        """system.as_user.write_as_user (its parents made as the user, the file written
        by a child process as uid:gid); as write_file, the tree has changed shape when it
        replaced a link or a directory. Raises IgnitionError."""
        from ..system.as_user import write_as_user

        reshapes = shapes_paths(path)
        write_as_user(uid, gid, path, data)
        if reshapes:
            self.reshaped()

    def is_enabled(self, unit: str, asked_with: Sequence[str], log: Logger) -> bool:
        """What `systemctl --root ROOT is-enabled UNIT` says of `unit`. The answers of one
        call about `unit` and `asked_with` (system.systemctl.batch_states) are remembered
        until the tree changes shape (a disable removes links); once such a call could not
        answer, each unit is asked on its own, as v2.26.0 asks. A glob or a name with
        spaces is always asked on its own, and never asked with others. Raises OSError
        without systemctl."""
        from ..system import systemctl

        fresh = self._enablement_generation == self.generation
        if fresh and unit in self._enablement:
            return self._enablement[unit]
        others = [name for name in asked_with if systemctl.batchable(name)]
        if self._batching and others and systemctl.batchable(unit):
            answers = systemctl.batch_states(str(self.root), [unit, *others], log)
            if answers is not None:
                self._enablement, self._enablement_generation = answers, self.generation
                return answers[unit]
            self._batching = False
        return systemctl.is_enabled(str(self.root), unit, log)

    def reshaped(self) -> None:
        self.generation += 1
        self._known.clear()

    def current(self, planned: Path, generation: int, path: str) -> Path:
        """`planned` if nothing changed shape since it was resolved, else resolved again."""
        return planned if generation == self.generation else self.path(path)

    def refuse_root(self, path: Path, what: str) -> None:
        """Raises IgnitionError when `path` is the root itself: no entry removes,
        replaces, links or chmods/chowns it (v2.26.0 does, and deletes the root or turns
        it into a symlink to the host)."""
        if os.path.normpath(path) == self._root_text:
            raise IgnitionError(
                f"{what}: the path is the root itself, which is never removed, "
                "replaced, linked or given another mode or owner"
            )

    def contents(self, resource: Resource) -> BinaryIO:
        return read_contents(resource, self._fetch if resource.source else None)

    def _fetch(self, resource: Resource) -> BinaryIO:
        if self._fetcher is None:
            self._fetcher = self.make_fetcher()
        if self._fetcher is None:
            raise UnsupportedSchemeError(scheme_of(resource.source or ""))
        return self._fetcher(resource)

    def user(self, name: str) -> UserEntry:
        """The root's passwd entry for `name`, read now (users may have just changed).

        Raises IgnitionError ("unable to lookup user ...") when there is none."""
        try:
            return self.accounts.user(name)
        except (IgnitionError, OSError) as err:
            raise IgnitionError(f"unable to lookup user {name!r}: {err}") from err

    def owner(
        self, user: NodeUser | None, group: NodeGroup | None, default: tuple[int, int]
    ) -> tuple[int, int]:
        return self.accounts.resolve_owner(
            user.id if user else None,
            user.name if user else None,
            group.id if group else None,
            group.name if group else None,
            default,
        )

    def set_permissions(
        self, path: Path, mode: int | None, user: NodeUser | None, group: NodeGroup | None
    ) -> None:
        """Upstream's SetPermissions: the mode if given, then the owner (unset parts of
        the owner keep the node's current ones)."""
        self.refuse_root(path, f"setting permissions of {path}")
        current = os.lstat(path)
        uid, gid = self.owner(user, group, (current.st_uid, current.st_gid))
        same = (uid, gid) == (current.st_uid, current.st_gid)
        set_mode_and_owner(path, mode, None if same else (uid, gid))


def os_failure(what: str, err: OSError) -> IgnitionError:
    detail = err.strerror or str(err)
    where = f" ({err.filename})" if err.filename else ""
    return IgnitionError(f"{what}: {detail}{where}")
