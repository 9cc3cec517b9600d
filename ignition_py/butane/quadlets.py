"""`systemd.quadlets` (base 0.8-experimental): Podman quadlet files and their drop-ins
become files under /etc/containers/systemd (users/ when not rootful); a template
instance (foo@1.container) becomes a link to its template (Butane's processQuadlets)."""

from __future__ import annotations

import posixpath

from ..typecheck import TYPE_CHECKING
from . import messages as msg
from .contents import LocalFileError, make_data_url, read_local
from .trees_walk import append_node, find_node

if TYPE_CHECKING:
    from typing import Any

    from .problems import YamlPath
    from .walk import Walk
    from .yaml_tree import Node

_EXTENSIONS = (".container", ".volume", ".network", ".kube", ".image", ".build", ".pod",
               ".artifact")  # fmt: skip
_TEXT = {"type": ["string", "null"]}
_DROPIN = {"type": "object", "properties": {"name": {"type": "string"}, "contents": _TEXT,
                                            "contentsLocal": _TEXT}}  # fmt: skip
_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string"}, "contents": _TEXT, "contentsLocal": _TEXT,
            "rootful": {"type": "boolean"}, "dropins": {"type": "array", "items": _DROPIN},
        },
    },
}  # fmt: skip
_WHERE: YamlPath = ("systemd", "quadlets")


def read_quadlets(walk: Walk, node: Node) -> list[dict[str, Any]]:
    """The quadlets as plain fields, each checked as Butane's Quadlet.Validate does."""
    quadlets = walk.value(node, _SCHEMA, _WHERE, _WHERE, f"{walk.package}.Quadlet")
    if not isinstance(quadlets, list):
        return []
    for i, quadlet in enumerate(quadlets):
        where = (*_WHERE, i)
        name = quadlet.get("name", "")
        if not name.endswith(_EXTENSIONS):
            walk.problems.error((*where, "name"), msg.QUADLET_BAD_EXTENSION)
            continue
        if _template_of(name) is not None:
            for key, field in (("contents", "contents"), ("contentsLocal", "contents_local")):
                if key in quadlet:
                    walk.problems.error((*where, field), msg.TEMPLATE_INSTANCE_CONTENTS)
        elif "contents" in quadlet and "contentsLocal" in quadlet:
            walk.problems.error((*where, "contents_local"), msg.TOO_MANY_SYSTEMD_SOURCES)
        for j, dropin in enumerate(quadlet.get("dropins", [])):
            if "contents" in dropin and "contentsLocal" in dropin:
                walk.problems.error(
                    (*where, "dropins", j, "contents_local"), msg.TOO_MANY_SYSTEMD_SOURCES
                )
    return quadlets


def _template_of(name: str) -> str | None:
    at, dot = name.find("@"), name.rfind(".")
    if at == -1 or dot == -1 or at + 1 == dot:
        return None
    return f"{name[:at]}@.{name[dot + 1 :]}"


def add_quadlets(
    walk: Walk, quadlets: list[dict[str, Any]], tree: dict[str, Any], sources: dict[Any, Any]
) -> None:
    """Add the quadlets' files and links to the translated config."""
    storage = tree.setdefault("storage", {})
    for i, quadlet in enumerate(quadlets):
        where = (*_WHERE, i)
        base = "/etc/containers/systemd" + ("" if quadlet.get("rootful") else "/users")
        dest = posixpath.join(base, quadlet.get("name", ""))
        template = _template_of(quadlet.get("name", ""))
        if template is not None:
            if find_node(storage, dest) is not None:
                walk.problems.error(where, msg.NODE_EXISTS, step="translate")
            else:
                k = append_node(
                    storage, sources, where, "links", {"path": dest, "target": template}
                )
                sources[("storage", "links", k, "path")] = (*where, "name")
        else:
            _add_file(walk, storage, sources, where, dest, quadlet)
        for j, dropin in enumerate(quadlet.get("dropins", [])):
            name = f"{dest}.d/{dropin.get('name', '')}"
            _add_file(walk, storage, sources, (*where, "dropins", j), name, dropin)
    if not storage:
        del tree["storage"]


def _add_file(
    walk: Walk,
    storage: dict[str, Any],
    sources: dict[Any, Any],
    where: YamlPath,
    dest: str,
    fields: dict[str, Any],
) -> None:
    if find_node(storage, dest) is not None:
        walk.problems.error(where, msg.NODE_EXISTS, step="translate")
        return
    i = append_node(storage, sources, where, "files", {"path": dest})
    sources[("storage", "files", i, "path")] = (*where, "name")
    data, field = b"", None
    if fields.get("contentsLocal"):
        field = "contents_local"
        try:
            data = read_local(fields["contentsLocal"], walk.files_dir)
        except LocalFileError as err:
            walk.problems.error((*where, field), str(err), step="translate")
            return
    if fields.get("contents"):
        field, data = "contents", fields["contents"].encode("utf-8", "surrogateescape")
    url, compression = make_data_url(data, None, auto_compress=True)
    node = storage["files"][i]
    node["contents"] = {"source": url, "compression": compression}
    node["mode"] = 0o644
    origin = (*where, field) if field else where
    for key in (("contents",), ("contents", "source")):
        sources[("storage", "files", i, *key)] = origin
    sources[("storage", "files", i, "contents", "compression")] = where
    sources[("storage", "files", i, "mode")] = where
