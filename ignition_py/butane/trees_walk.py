"""The files-directory walk of `storage.trees` (Butane's walkTree): each regular file
becomes a file node (contents as a data URL, mode 0644 or 0755 unless given), each
symlink a link, each directory a directory node when a user, group or mode is set."""

from __future__ import annotations

import os
import posixpath

from ..typecheck import TYPE_CHECKING
from . import messages as msg
from .contents import LocalFileError, ensure_within, make_data_url

if TYPE_CHECKING:
    from typing import Any

    from .walk import Walk


def walk_trees(walk: Walk, tree: dict[str, Any], sources: dict[Any, Any]) -> None:
    """Add every tree's nodes to the translated config; problems go to walk.problems."""
    assert walk.files_dir is not None
    storage = tree.setdefault("storage", {})
    for index, spec in walk.trees:
        where = ("storage", "trees", index)
        base = os.path.normpath(os.path.join(walk.files_dir, spec.get("local", "")))
        try:
            ensure_within(base, walk.files_dir)
        except LocalFileError as err:
            walk.problems.error(where, str(err), step="translate")
            continue
        if not os.path.exists(base):
            walk.problems.error(where, f"stat {base}: no such file or directory", step="translate")
            continue
        if not os.path.isdir(base):
            walk.problems.error(where, msg.TREE_NOT_DIRECTORY, step="translate")
            continue
        _walk_one(walk, storage, sources, where, base, spec)
    if not storage:
        del tree["storage"]


def _node(dest: str, spec: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"path": dest}
    for key in ("user", "group"):
        if spec.get(key):
            node[key] = dict(spec[key])
    return node


def find_node(storage: dict[str, Any], dest: str) -> tuple[str, int] | None:
    """The (list, index) of the node at path `dest`, if the config has one."""
    for kind in ("files", "directories", "links"):
        for i, item in enumerate(storage.get(kind, [])):
            if item.get("path") == dest:
                return kind, i
    return None


def _walk_one(
    walk: Walk,
    storage: dict[str, Any],
    sources: dict[Any, Any],
    where: tuple[str | int, ...],
    base: str,
    spec: dict[str, Any],
) -> None:
    dest_base = spec.get("path") or "/"
    custom_dirs = spec.get("dirMode") is not None or spec.get("user") or spec.get("group")
    entries: list[str] = []
    for root, dirs, files in os.walk(base):
        dirs.sort()
        names = sorted(dirs + files)
        entries.extend(os.path.join(root, n) for n in names)
    # Go's filepath.Walk visits in lexical order, the root first.
    for src in [base, *sorted(entries)]:
        rel = os.path.relpath(src, base)
        dest = posixpath.normpath(posixpath.join(dest_base, "" if rel == "." else rel))
        found = find_node(storage, dest)
        if os.path.islink(src):
            _add_link(storage, sources, where, src, dest, spec, found, walk)
        elif os.path.isdir(src):
            if not custom_dirs:
                continue
            if found is not None:
                walk.problems.error(where, msg.NODE_EXISTS, step="translate")
                continue
            node = _node(dest, spec)
            node["mode"] = spec.get("dirMode", 0o755)
            append_node(storage, sources, where, "directories", node)
        elif os.path.isfile(src):
            _add_file(storage, sources, where, src, dest, spec, found, walk)
        else:
            walk.problems.error(where, msg.FILE_TYPE, step="translate")


def append_node(
    storage: dict[str, Any], sources: dict[Any, Any], where: Any, kind: str, node: dict[str, Any]
) -> int:
    """Add a node to storage's `kind` list, every field translated from `where`; its index."""
    items = storage.setdefault(kind, [])
    items.append(node)
    i = len(items) - 1
    sources.setdefault(("storage", kind), where)
    for key in node:
        sources[("storage", kind, i, key)] = where
    sources[("storage", kind, i)] = where
    return i


def _node_for(
    storage: dict[str, Any],
    sources: dict[Any, Any],
    where: Any,
    kind: str,
    dest: str,
    spec: dict[str, Any],
    found: tuple[str, int] | None,
    walk: Walk,
) -> tuple[int, dict[str, Any]] | None:
    """The `kind` entry a tree's file or link fills: the config's own entry at that path
    when it leaves the contents (source or target) unset, else a new one; None (with
    Butane's error) when the path is already something else or already filled."""
    if found is None:
        i = append_node(storage, sources, where, kind, _node(dest, spec))
        return i, storage[kind][i]
    found_kind, i = found
    node = storage[found_kind][i]
    filled = node.get("contents", {}).get("source") if kind == "files" else node.get("target")
    if found_kind != kind or filled:
        walk.problems.error(where, msg.NODE_EXISTS, step="translate")
        return None
    return i, node


def _add_file(
    storage: dict[str, Any],
    sources: dict[Any, Any],
    where: Any,
    src: str,
    dest: str,
    spec: dict[str, Any],
    found: tuple[str, int] | None,
    walk: Walk,
) -> None:
    placed = _node_for(storage, sources, where, "files", dest, spec, found, walk)
    if placed is None:
        return
    i, node = placed
    with open(src, "rb") as handle:
        data = handle.read()
    contents = node.setdefault("contents", {})
    url, compression = make_data_url(data, contents.get("compression"), auto_compress=True)
    contents["source"] = url
    if compression is not None:
        contents["compression"] = compression
    for key in ("contents", ("contents", "source"), ("contents", "compression")):
        path = key if isinstance(key, tuple) else (key,)
        sources[("storage", "files", i, *path)] = where
    if node.get("mode") is None:
        mode = 0o755 if os.stat(src).st_mode & 0o111 else 0o644
        node["mode"] = spec["fileMode"] if spec.get("fileMode") is not None else mode
        sources[("storage", "files", i, "mode")] = where


def _add_link(
    storage: dict[str, Any],
    sources: dict[Any, Any],
    where: Any,
    src: str,
    dest: str,
    spec: dict[str, Any],
    found: tuple[str, int] | None,
    walk: Walk,
) -> None:
    placed = _node_for(storage, sources, where, "links", dest, spec, found, walk)
    if placed is None:
        return
    i, node = placed
    node["target"] = os.readlink(src)
    sources[("storage", "links", i, "target")] = where
