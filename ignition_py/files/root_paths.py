"""Paths inside the root (`-root`).

Every symlink on the way to a path is followed as if the root were `/`: an absolute link
target restarts at the root and `..` never climbs above it, so no path a config names can
lead a write outside the root. The last component is never followed (it is what gets
created or replaced), as upstream's JoinPath does, except when reading. Unlike upstream,
chains of links are followed to the end, not one level deep.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from pathlib import Path

from ..errors import IgnitionError
from ..system.fs_writes import make_directories

MAX_SYMLINKS = 40  # the kernel's own limit (ELOOP)


class PathResolutionError(IgnitionError):
    """A path cannot be resolved inside the root (a symlink loop, an unreadable link)."""


def _components(path: str) -> list[str]:
    return [part for part in path.split("/") if part not in ("", ".")]


class ResolveMemo:
    """What resolving learnt of a tree, for a caller that knows when the tree changes
    shape (and then clears it): each path looked at -> its link target (None for
    anything else or nothing), each parent path as given -> as resolved, and the
    directories make_parents found or made."""

    def __init__(self) -> None:
        self.links: dict[str, str | None] = {}
        self.parents: dict[str, tuple[str, ...]] = {}
        self.directories: set[str] = set()

    def clear(self) -> None:
        self.links.clear()
        self.parents.clear()
        self.directories.clear()


def resolve_in_root(
    root: Path, *parts: str, follow_last: bool = False, known: ResolveMemo | None = None
) -> Path:
    """`root` joined with `parts`, every symlink among the parents (and, with
    `follow_last`, the last component too, as for reading) followed inside `root`.
    `known`: what earlier calls learnt of the same tree (see ResolveMemo).

    Raises PathResolutionError (a link loop, an unreadable path), OSError (readlink)."""
    components = [name for part in parts for name in _components(part)]
    base = os.fspath(root).rstrip("/")
    if known is None:
        resolved = _walk(base, components, follow_last, parts, None)
    elif not follow_last and components and components[-1] != "..":
        # The parents resolve the same whatever the last name is (it is never followed).
        key = "/".join(components[:-1])
        parent = known.parents.get(key)
        if parent is None:
            parent = tuple(_walk(base, components[:-1], True, parts, known.links))
            known.parents[key] = parent
        resolved = [*parent, components[-1]]
    else:
        resolved = _walk(base, components, follow_last, parts, known.links)
    return Path("/".join([base, *resolved]) or "/")


def _walk(
    base: str,
    components: list[str],
    follow_last: bool,
    parts: tuple[str, ...],
    links: dict[str, str | None] | None,
) -> list[str]:
    pending = deque(components)
    resolved: list[str] = []
    links_followed = 0
    while pending:
        name = pending.popleft()
        if name == "..":
            if resolved:
                resolved.pop()
            continue
        if not pending and not follow_last:
            resolved.append(name)
            break
        candidate = "/".join([base, *resolved, name])
        if links is not None and candidate in links:
            target = links[candidate]
        else:
            target = _link_target(candidate)
            if links is not None:
                links[candidate] = target
        if target is None:
            resolved.append(name)
            continue
        links_followed += 1
        if links_followed > MAX_SYMLINKS:
            joined = "/" + "/".join(parts).lstrip("/")
            raise PathResolutionError(f"too many levels of symbolic links resolving {joined}")
        if target.startswith("/"):
            resolved = []
        pending.extendleft(reversed(_components(target)))
    return resolved


def _link_target(candidate: str) -> str | None:
    """What the symlink `candidate` points to; None when it is anything else or nothing."""
    try:
        info = os.lstat(candidate)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        raise PathResolutionError(f"cannot resolve {candidate}: {err.strerror}") from err
    return os.readlink(candidate) if stat.S_ISLNK(info.st_mode) else None


def _lstat(path: str) -> os.stat_result | None:
    """lstat, or None where os.path.lexists says False (nothing there, or unreadable)."""
    try:
        return os.lstat(path)
    except (OSError, ValueError):
        return None


def read_in_root(root: Path, path: str) -> bytes | None:
    """The bytes of the file at `path` in the root, every link on the way (the last one
    too) followed inside `root`, never out of it; None when there is none.

    Raises OSError when it cannot be read (a directory, no permission)."""
    resolved = resolve_in_root(root, path, follow_last=True)
    try:
        fd = os.open(resolved, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def relative_to_root(root: Path, path: Path) -> str:
    """The path as the provisioned system will see it (`/etc/motd`)."""
    return "/" + str(path.relative_to(root)).removeprefix(".").lstrip("/")


def shapes_paths(path: Path) -> bool:
    """Whether replacing what is at `path` may change where other paths resolve: only a
    link or a directory (what was below it goes) does; a new node where none was, or over
    a file, does not (a path through it resolved the same way before). Unknown: it may."""
    try:
        mode = os.lstat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return stat.S_ISLNK(mode) or stat.S_ISDIR(mode)


def make_parents(root: Path, path: Path, known: ResolveMemo | None = None) -> None:
    """Create the missing directories between `root` and `path`, 0755 owned by root.
    `known`: as for resolve_in_root (a parent found or made there is not looked at again).

    `path` comes from a fresh resolve_in_root, so every existing parent is a real
    directory and every missing one is created as a directory, never through a link.
    """
    parent = os.path.dirname(os.fspath(path))
    if known is not None and parent in known.directories:
        return
    _make_parents(os.fspath(root), parent, path)
    if known is not None:
        known.directories.add(parent)


def _make_parents(top: str, current: str, path: Path) -> None:
    missing: list[str] = []
    found = _lstat(current) if current != top else None
    while current != top and found is None:
        missing.append(current)
        current = os.path.dirname(current)
        found = _lstat(current) if current != top else None
    while current == top and not os.path.lexists(current):
        # a root that does not exist yet is made too, with its parents, as upstream's
        # MkdirAll of the whole path makes it
        missing.append(current)
        top = current = os.path.dirname(current)
    if found is not None and not stat.S_ISDIR(found.st_mode):
        shown = relative_to_root(Path(top), Path(current))
        raise IgnitionError(f"cannot create {path}: {shown} exists and is not a directory")
    if missing:
        make_directories([Path(directory) for directory in reversed(missing)], 0o755)
