"""Directories, files and links: one action each, applied with upstream's rules.

`overwrite: true` replaces whatever is at the path, but only once the new node is
complete: it is made beside the path under a temporary name and moved over the old one
(system.fs_writes.place), so a failed fetch, a hash mismatch or a full disk leave the old node as it
was (v2.26.0 removes it first). Without it, a file may only be completed (appends, mode,
owner) when it already exists and names no contents; a directory only gets its mode and
owner; a link must already be the same link. Paths are resolved again inside the root
when applied, so links created by earlier entries are followed inside the root too. The
root itself is never an entry's path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..config.model import Directory, File, Link, Resource
from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from ..resources.contents import describe_source
from ..system.fs_writes import (
    DEFAULT_FILE_MODE,
    Opener,
    append_file,
    new_directory,
    new_hard_link,
    new_symlink,
    replace_file,
)
from .root_paths import shapes_paths
from .write_context import WriteContext, os_failure

DEFAULT_DIRECTORY_MODE = 0o755
_EMPTY = Resource(source="")


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _clean(target: str) -> str:
    """Go's filepath.Clean, for comparing link targets."""
    cleaned = os.path.normpath(target) if target else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


@frozen_model
class FileAction:
    ctx: WriteContext
    node: File
    path: Path  # resolved when planned
    planned_at: int = 0  # the context's generation then

    def describe(self) -> str:
        verb = "writing file"
        if self.node.append and not (self.node.contents and self.node.contents.source):
            verb = "appending to file"
        sources = [self.node.contents.source] if self.node.contents else []
        sources += [item.source for item in self.node.append]
        origin = ", ".join(describe_source(source) for source in sources if source)
        return f'{verb} "{self.path}"' + (f" from {origin}" if origin else "")

    def apply(self, log: Logger) -> None:
        path = self.ctx.current(self.path, self.planned_at, self.node.path)
        try:
            self.ctx.refuse_root(path, f'failed to create file "{self.node.path}"')
            self._create(path)
        except OSError as err:
            raise os_failure(f'failed to create file "{self.node.path}"', err) from err
        except IgnitionError as err:
            if f'"{self.node.path}"' in str(err):
                raise
            raise IgnitionError(f'failed to create file "{self.node.path}": {err}') from err

    def _create(self, path: Path) -> None:
        node = self.node
        existing = None if node.overwrite else _lstat(path)
        source = node.contents.source if node.contents else None
        if existing is not None and not stat.S_ISREG(existing.st_mode):
            raise IgnitionError(
                f'error creating file "{node.path}": a non regular file exists there already '
                "and overwrite is false"
            )
        if existing is not None and source is not None:
            raise IgnitionError(
                f'error creating file "{node.path}": a file exists there already '
                "and overwrite is false"
            )
        appends = [self._opener(item) for item in node.append]
        if existing is not None:  # an existing file completed: appends, mode, owner
            if appends:
                append_file(path, appends)
            self.ctx.set_permissions(path, node.mode, node.user, node.group)
            return
        self.ctx.make_parents(path)
        uid, gid = self.ctx.owner(node.user, node.group, (0, 0))
        mode = DEFAULT_FILE_MODE if node.mode is None else node.mode & 0o7777
        contents = node.contents if node.contents and node.contents.source else _EMPTY
        reshapes = node.overwrite and shapes_paths(path)
        replace_file(path, [self._opener(contents), *appends], uid=uid, gid=gid, mode=mode)
        if reshapes:
            self.ctx.reshaped()

    def _opener(self, resource: Resource) -> Opener:
        return lambda: self.ctx.contents(resource)


@frozen_model
class DirectoryAction:
    ctx: WriteContext
    node: Directory
    path: Path
    planned_at: int = 0

    def describe(self) -> str:
        return f'creating directory "{self.path}"'

    def apply(self, log: Logger) -> None:
        path = self.ctx.current(self.path, self.planned_at, self.node.path)
        try:
            self.ctx.refuse_root(path, f'failed to create directory "{self.node.path}"')
            self._create(path)
        except OSError as err:
            raise os_failure(f'failed to create directory "{self.node.path}"', err) from err
        except IgnitionError as err:
            if f'"{self.node.path}"' in str(err):
                raise
            raise IgnitionError(f'failed to create directory "{self.node.path}": {err}') from err

    def _create(self, path: Path) -> None:
        node = self.node
        existing = _lstat(path)
        if existing is None or node.overwrite:
            self.ctx.make_parents(path)
            new_directory(path, DEFAULT_DIRECTORY_MODE)
            if existing is not None:  # replaced (overwrite)
                self.ctx.reshaped()
        elif not stat.S_ISDIR(existing.st_mode):
            raise IgnitionError(
                f'error creating directory "{node.path}": a non-directory already exists '
                "and overwrite is false"
            )
        self.ctx.set_permissions(path, node.mode, node.user, node.group)


@frozen_model
class LinkAction:
    ctx: WriteContext
    node: Link
    path: Path
    planned_at: int = 0

    def describe(self) -> str:
        kind = "hard link" if self.node.hard else "link"
        return f'writing {kind} "{self.path}" -> "{self.node.target}"'

    def apply(self, log: Logger) -> None:
        path = self.ctx.current(self.path, self.planned_at, self.node.path)
        try:
            self.ctx.refuse_root(path, f'failed to create link "{self.node.path}"')
            if not self.node.overwrite and self._already_there(path, log):
                return
            self.ctx.make_parents(path)
            target = self.node.target or ""
            if self.node.hard:
                new_hard_link(path, self.ctx.path(target))
            else:
                new_symlink(path, target, self._link_owner())
            self.ctx.reshaped()
        except OSError as err:
            raise os_failure(f'failed to create link "{self.node.path}"', err) from err
        except IgnitionError as err:
            if f'"{self.node.path}"' in str(err):
                raise
            raise IgnitionError(f'failed to create link "{self.node.path}": {err}') from err

    def _link_owner(self) -> tuple[int, int] | None:
        """The owner of a new symlink: the user's and group's, the rest as made (by us)."""
        if self.node.user is None and self.node.group is None:
            return None
        return self.ctx.owner(self.node.user, self.node.group, (os.geteuid(), os.getegid()))

    def _already_there(self, path: Path, log: Logger) -> bool:
        node = self.node
        existing = _lstat(path)
        if existing is None:
            return False
        if node.hard:
            wanted = _lstat(self.ctx.path(node.target or ""))
            if wanted is None:
                raise IgnitionError(
                    f'error creating hard link "{node.path}": target "{node.target}" does not exist'
                )
            if (wanted.st_dev, wanted.st_ino) != (existing.st_dev, existing.st_ino):
                raise IgnitionError(
                    f'error creating hard link "{node.path}": a file already exists at that '
                    "path but is not the target and overwrite is false"
                )
            log.info(f'hard link "{node.path}" to "{node.target}" already exists, doing nothing')
            return True
        if not stat.S_ISLNK(existing.st_mode):
            raise IgnitionError(
                f'error creating symlink "{node.path}": a non-symlink already exists at that '
                "path and overwrite is false"
            )
        current = os.readlink(path)
        if _clean(current) != _clean(node.target or ""):
            raise IgnitionError(
                f'error creating symlink "{node.path}": a symlink exists at that path but '
                f'points to "{current}", not "{node.target}", and overwrite is false'
            )
        log.info(f'symlink "{node.path}" to "{node.target}" already exists, doing nothing')
        return True
