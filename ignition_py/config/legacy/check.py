"""Flatcar's v24tov31.Check2_4: what makes a valid spec 2.4 tree untranslatable, and the
filesystem name -> mount path map the translation uses (util.FSGeneration)."""

from __future__ import annotations

import posixpath

from ...typecheck import TYPE_CHECKING
from ..report import Entry, JsonPath, Severity
from .rules import check_rules

if TYPE_CHECKING:
    from typing import Any

_INVALID = "Invalid input config: "
_CREATE_FORCE = "Config must force filesystem creation in case `mount.create` object is defined."


def filesystem_paths(storage: dict[str, Any]) -> dict[str, str]:
    """2.x filesystem name -> 3.x mount path: root is /, oem is /oem (patch 0015), any other
    declared name /tmp/NAME-ignN, N counting the names given a path (Flatcar counts for the
    whole process; here for each config). A nameless filesystem gets no path."""
    paths = {"root": "/"}
    generated = added = 0
    for fs in storage.get("filesystems", []):
        name = fs.get("name", "")
        if name == "":
            generated += 1
            name = f"ignition{generated}"
        if name not in paths:
            added += 1
            paths[name] = "/oem" if name == "oem" else f"/tmp/{name}-ign{added}"
    return paths


def node_path(paths: dict[str, str], node: dict[str, Any]) -> str:
    """Go's path.Join(fsMap[filesystem], path): an unknown filesystem adds nothing."""
    return go_join(paths.get(node.get("filesystem", ""), ""), node.get("path", ""))


def go_join(*parts: str) -> str:
    """Go's path.Join: the non-empty parts joined with / and cleaned ("" if all are empty)."""
    text = "/".join(p for p in parts if p)
    if not text:
        return ""
    cleaned = posixpath.normpath(text)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("/") else cleaned


def check_translatable(tree: dict[str, Any], paths: dict[str, str]) -> list[Entry]:
    """Errors Check2_4 finds in a spec 2.4 tree (upgrade's output): deprecated or invalid
    fields, `mount.create` without force, two nodes at one path, a node under a link the
    config writes, two dropins of a unit with one name."""
    found: list[Entry] = []
    for entry in check_rules(tree, 4):
        if entry.severity is Severity.ERROR:
            found.append(Entry(Severity.ERROR, _INVALID + entry.message, entry.path))
    storage = tree.get("storage", {})
    for d, disk in enumerate(storage.get("disks", [])):
        for p, part in enumerate(disk.get("partitions", [])):
            for key, what in (("size", "size"), ("start", "start")):
                if key in part:
                    message = f"{_INVALID}{what} is deprecated; use {what}MB instead"
                    found.append(
                        Entry(
                            Severity.ERROR, message, ("storage", "disks", d, "partitions", p, key)
                        )
                    )
    for i, fs in enumerate(storage.get("filesystems", [])):
        create = fs.get("mount", {}).get("create")
        if create is not None and not create.get("force", False):
            found.append(
                Entry(
                    Severity.ERROR,
                    _CREATE_FORCE,
                    ("storage", "filesystems", i, "mount", "create", "force"),
                )
            )
    found.extend(_node_conflicts(storage, paths))
    for u, unit in enumerate(tree.get("systemd", {}).get("units", [])):
        seen: set[str] = set()
        for d, dropin in enumerate(unit.get("dropins", [])):
            name = dropin.get("name", "")
            if name in seen:
                message = (
                    f'Config has duplicate dropin name "{name}" in unit "{unit.get("name", "")}".  '
                    "All dropins must specify a unique `name`."
                )
                found.append(
                    Entry(Severity.ERROR, message, ("systemd", "units", u, "dropins", d, "name"))
                )
            seen.add(name)
    return found


def _node_conflicts(storage: dict[str, Any], paths: dict[str, str]) -> list[Entry]:
    links = [node_path(paths, link) for link in storage.get("links", [])]
    seen: dict[str, str] = {}
    found: list[Entry] = []
    for kind, word in (("files", "File"), ("directories", "Directory"), ("links", "Link")):
        for i, node in enumerate(storage.get(kind, [])):
            full = node_path(paths, node)
            name = f"{word}: {full}"
            where: JsonPath = ("storage", kind, i, "path")
            if full in seen:
                message = (
                    f'Config has conflicting inodes: "{seen[full]}" and "{name}".  '
                    "All files, directories and links must specify a unique `path`."
                )
                found.append(Entry(Severity.ERROR, message, where))
                continue
            seen[full] = name
            link = next(
                (k for k in links if full.startswith(k.rstrip("/") + "/") and full != k), None
            )
            if link is not None:
                message = (
                    f'{name} uses link defined in config "{link}". '
                    "Please use a link not defined in Storage:Links"
                )
                found.append(Entry(Severity.ERROR, message, where))
    return found
