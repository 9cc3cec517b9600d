"""Where a value of the translated spec 3.1 config came from in the spec 2.4 tree, so that
a problem the 3.x rules find is reported at the user's own text."""

from __future__ import annotations

from ...typecheck import TYPE_CHECKING
from ..report import JsonPath

if TYPE_CHECKING:
    from typing import Any

_MOUNT_KEYS = ("device", "format", "wipeFilesystem", "label", "uuid", "options")


def origin(tree: dict[str, Any], path: JsonPath) -> JsonPath | None:
    """The 2.4 path (same shape as the declared 2.x config's) the 3.1 value at `path` was
    made from, or None where translation made it up (networkd files)."""
    head, rest = path[:2], path[2:]
    if head == ("ignition", "config") and rest[:1] == ("merge",):
        return ("ignition", "config", "append", *rest[1:])
    storage = tree.get("storage", {})
    if head == ("storage", "filesystems") and rest and isinstance(rest[0], int):
        kept = [
            i for i, fs in enumerate(storage.get("filesystems", [])) if fs.get("name") != "root"
        ]
        index = kept[rest[0]] if rest[0] < len(kept) else rest[0]
        inner = rest[1:]
        if inner[:1] and inner[0] in _MOUNT_KEYS:
            inner = ("mount", *inner)
        elif inner[:1] == ("path",):
            inner = ("name",)
        return (*head, index, *inner)
    if head == ("storage", "files") and rest and isinstance(rest[0], int):
        if rest[0] >= len(storage.get("files", [])):
            return None  # a file made of a networkd unit
        inner = rest[1:]
        if inner[:2] == ("append", 0):
            inner = ("contents", *inner[2:])
        return (*head, rest[0], *inner)
    if head == ("systemd", "units") and rest and isinstance(rest[0], int):
        names = list(
            dict.fromkeys(u.get("name", "") for u in tree.get("systemd", {}).get("units", []))
        )
        units = [u.get("name", "") for u in tree.get("systemd", {}).get("units", [])]
        if rest[0] < len(names):
            return (*head, units.index(names[rest[0]]), *rest[1:])
    return path
