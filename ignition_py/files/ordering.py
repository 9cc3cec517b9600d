"""The order upstream creates filesystem entries in: every path resolved inside the root
first (two entries that land on the same place are an error), then directories, files
and symlinks by depth of the resolved path, shallowest first, and hard links last so
that they can point at files deeper than themselves. An entry whose path is the root
itself is refused here, before anything is written."""

from __future__ import annotations

import os
from pathlib import Path

from ..config.model import Storage
from ..errors import IgnitionError
from .entries import DirectoryAction, FileAction, LinkAction
from .write_context import WriteContext

EntryAction = DirectoryAction | FileAction | LinkAction


def plan_entries(storage: Storage | None, ctx: WriteContext) -> list[EntryAction]:
    """The directory, file and link actions for `storage`, in upstream's order: by path depth
    (config order within a depth), hard links last. Raises IgnitionError when an entry's path is
    the root itself or two entries resolve to the same path inside the root."""
    if storage is None:
        return []
    seen: dict[str, str] = {}

    def resolve(kind: str, path: str) -> Path:
        resolved = ctx.path(path)
        ctx.refuse_root(resolved, f"{kind} at {path}")
        if str(resolved) in seen:
            raise IgnitionError(
                f"{kind} at {path} resolved to {resolved} after symlink chasing, but another "
                f"entry with path {seen[str(resolved)]} also resolves there"
            )
        seen[str(resolved)] = path
        return resolved

    entries: list[EntryAction] = []
    hard_links: list[EntryAction] = []
    for directory in storage.directories:
        entries.append(
            DirectoryAction(ctx, directory, resolve("Directory", directory.path), ctx.generation)
        )
    for file in storage.files:
        entries.append(FileAction(ctx, file, resolve("File", file.path), ctx.generation))
    for link in storage.links:
        path = resolve("Link", link.path)
        (hard_links if link.hard else entries).append(LinkAction(ctx, link, path, ctx.generation))
    # stable: config order within a depth; resolved paths are clean (no ., .., //), so
    # counting slashes is path_depth.depth without normpath
    entries.sort(key=lambda action: os.fspath(action.path).count("/"))
    return entries + hard_links
