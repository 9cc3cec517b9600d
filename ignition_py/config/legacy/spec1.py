"""A decoded spec 1 tree -> the spec 2.0 tree flatcar/ignition v0.36.2's
v2_0.TranslateFromV1 makes of it (patch 0010 lets `ignitionVersion: 1` reach it): each
filesystem is named `_translate-filesystem-N` and its files become 2.0 files on it."""

from __future__ import annotations

from urllib.parse import quote

from ...typecheck import TYPE_CHECKING
from ..report import JsonPath

if TYPE_CHECKING:
    from typing import Any

PathMap = dict[JsonPath, JsonPath]


def from_spec1(tree: dict[str, Any]) -> tuple[dict[str, Any], PathMap]:
    """(spec 2.0 tree, map from 2.0 paths of moved values to their spec 1 paths)."""
    storage = tree.get("storage", {})
    moved: PathMap = {}
    filesystems: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    for i, old in enumerate(storage.get("filesystems", [])):
        name = f"_translate-filesystem-{i}"
        mount = {"device": old.get("device", ""), "format": old.get("format", "")}
        if "create" in old:
            mount["create"] = old["create"]
        moved[("storage", "filesystems", len(filesystems), "mount")] = ("storage", "filesystems", i)
        filesystems.append({"name": name, "mount": mount})
        for j, old_file in enumerate(old.get("files", [])):
            moved[("storage", "files", len(files))] = ("storage", "filesystems", i, "files", j)
            files.append(
                {
                    "filesystem": name,
                    "path": old_file.get("path", ""),
                    "user": {"id": old_file.get("uid", 0)},
                    "group": {"id": old_file.get("gid", 0)},
                    "mode": old_file.get("mode", 0),
                    "contents": {"source": _data_url(old_file.get("contents", ""))},
                }
            )
    out: dict[str, Any] = {
        "ignition": {"version": "2.0.0"},
        "storage": {
            key: value
            for key, value in (
                ("disks", storage.get("disks", [])),
                ("raid", storage.get("raid", [])),
                ("filesystems", filesystems),
                ("files", files),
            )
            if value
        },
    }
    for section in ("systemd", "networkd", "passwd"):
        if section in tree:
            out[section] = tree[section]
    return out, moved


def _data_url(text: str) -> str:
    # dataurl.EscapeString: every byte but RFC 2396's unreserved ones percent-escaped.
    return "data:," + quote(text, safe="!*'()")


def spec1_path(moved: PathMap, path: JsonPath) -> JsonPath:
    """The spec 1 path of a value found at `path` in from_spec1's 2.0 tree."""
    for length in range(len(path), 0, -1):
        origin = moved.get(path[:length])
        if origin is not None:
            rest = path[length:]
            if rest[:1] in (("user",), ("group",), ("contents",)):
                rest = ({"user": "uid", "group": "gid"}.get(str(rest[0]), "contents"),)
            return (*origin, *rest)
    return path
