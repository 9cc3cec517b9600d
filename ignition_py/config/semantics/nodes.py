"""Rules of files, directories and links, alone and against each other and the units."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Iterator, Sequence

from ..model import Config, Directory, File, Link, NodeGroup, NodeUser, Storage
from ..report import JsonPath
from ..versions import V3_3, V3_6
from . import messages
from .paths import path_problem
from .problems import Problems
from .resources import check_resource

_SPECIAL_BITS = 0o7000
_SYSTEMD_DIR = "/etc/systemd/system/"

Node = File | Directory | Link


def check_nodes(storage: Storage, path: JsonPath, problems: Problems) -> None:
    for i, directory in enumerate(storage.directories):
        here = (*path, "directories", i)
        _check_node(directory, here, problems)
        _check_mode(directory.mode, (*here, "mode"), problems)
    for i, file in enumerate(storage.files):
        here = (*path, "files", i)
        _check_node(file, here, problems)
        _check_mode(file.mode, (*here, "mode"), problems)
        source = file.contents.source if file.contents is not None else None
        if file.overwrite is True and source is None:
            problems.error((*here, "overwrite"), messages.OVERWRITE_WITHOUT_SOURCE)
        for j, appended in enumerate(file.append):
            check_resource(appended, (*here, "append", j), problems)
        if file.contents is not None:
            check_resource(file.contents, (*here, "contents"), problems)
    for i, link in enumerate(storage.links):
        _check_node(link, (*path, "links", i), problems)
    _check_links(storage, path, problems)


def _check_node(node: Node, path: JsonPath, problems: Problems) -> None:
    problems.error((*path, "path"), path_problem(node.path))
    for key, owner in (("user", node.user), ("group", node.group)):
        if owner is not None and owner.id is not None and owner.name:
            problems.error((*path, key), messages.BOTH_ID_AND_NAME)


def _check_mode(mode: int | None, path: JsonPath, problems: Problems) -> None:
    if mode is None:
        return
    if mode < 0 or mode > 0o7777:
        problems.error(path, messages.ILLEGAL_MODE)
    if (mode & 0xFFFFFFFF) & _SPECIAL_BITS and not problems.since(V3_6):
        problems.warning(path, messages.MODE_SPECIAL_BITS)


def _check_links(storage: Storage, path: JsonPath, problems: Problems) -> None:
    # Upstream: an error for every link whose path + "/" begins a node's path. Those link
    # paths are exactly the node's path cut before each "/": look each cut up, rather than
    # comparing every node with every link.
    link_counts = Counter(link.path for link in storage.links)
    if link_counts:
        kinds: list[tuple[str, Sequence[Node], str]] = [
            ("directories", storage.directories, messages.DIRECTORY_USED_SYMLINK),
            ("files", storage.files, messages.FILE_USED_SYMLINK),
            ("links", storage.links, messages.LINK_USED_SYMLINK),
        ]
        for key, nodes, message in kinds:
            for i, node in enumerate(nodes):
                cuts = (node.path[:k] for k, c in enumerate(node.path) if c == "/")
                for _ in range(sum(link_counts.get(cut, 0) for cut in cuts)):
                    problems.error((*path, key, i), message)
    directories = {d.path for d in storage.directories}
    for i, link in enumerate(storage.links):
        here = (*path, "links", i)
        if not link.target and problems.since(V3_3):
            problems.error((*here, "target"), messages.LINK_TARGET_REQUIRED)
            continue
        if link.hard is not True:
            continue
        # Before 3.3 the target is a plain string: an empty one is "." here, as in Go.
        raw_target = link.target or ""
        target = posixpath.normpath(raw_target)
        if not target.startswith("/"):
            target = posixpath.normpath(posixpath.join(link.path, raw_target))
        if target in directories:
            problems.error(here, messages.HARD_LINK_TO_DIRECTORY)
        _warn_hard_link_owner(link.user, link.group, here, problems)


def _warn_hard_link_owner(
    user: NodeUser | None, group: NodeGroup | None, path: JsonPath, problems: Problems
) -> None:
    for key, owner in (("user", user), ("group", group)):
        if owner is None:
            continue
        if owner.id is not None:
            problems.warning((*path, key, "id"), messages.HARD_LINK_OWNER_IGNORED)
        if owner.name is not None:
            problems.warning((*path, key, "name"), messages.HARD_LINK_OWNER_IGNORED)


def all_nodes(storage: Storage) -> Iterator[tuple[str, int, Node]]:
    """Every file, directory and link: (list key, index in it, entry), in upstream's order."""
    kinds: list[tuple[str, Sequence[Node]]] = [
        ("files", storage.files),
        ("directories", storage.directories),
        ("links", storage.links),
    ]
    for key, nodes in kinds:
        for i, node in enumerate(nodes):
            yield key, i, node


def check_unit_conflicts(config: Config, problems: Problems) -> None:
    """A file, directory or link where a unit or dropin with contents will be written:
    an error in every spec version, as upstream has made it since 2.15."""
    if config.storage is None or config.systemd is None:
        return
    unit_paths: set[str] = set()
    for unit in config.systemd.units:
        if unit.contents:
            unit_paths.add(_SYSTEMD_DIR + unit.name)
        for dropin in unit.dropins:
            if dropin.contents:
                unit_paths.add(f"{_SYSTEMD_DIR}{unit.name}.d/{dropin.name}")
    if not unit_paths:
        return
    for key, i, node in all_nodes(config.storage):
        if node.path in unit_paths:
            problems.error(("storage", key, i, "path"), messages.PATH_CONFLICTS_SYSTEMD)
