"""`storage.trees`: a local directory's files, directories and symlinks become nodes of
the config (Butane's processTrees). Only with a files directory (never at boot)."""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING
from . import messages as msg
from .yaml_tree import Node

if TYPE_CHECKING:
    from typing import Any

    from .walk import Walk


def read_trees(
    walk: Walk, node: Node, yp: tuple[str | int, ...]
) -> list[tuple[int, dict[str, Any]]]:
    """The trees of `storage.trees` as (index, fields); checks that each names `local`."""
    schema = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "local": {"type": "string"},
                "path": {"type": ["string", "null"]},
                "user": {
                    "type": "object",
                    "properties": {
                        "id": {"type": ["integer", "null"]},
                        "name": {"type": ["string", "null"]},
                    },
                },
                "group": {
                    "type": "object",
                    "properties": {
                        "id": {"type": ["integer", "null"]},
                        "name": {"type": ["string", "null"]},
                    },
                },
                **(
                    {
                        "fileMode": {"type": ["integer", "null"]},
                        "dirMode": {"type": ["integer", "null"]},
                    }
                    if walk.spec.minor >= 6
                    else {}
                ),
            },
        },
    }
    trees = walk.value(node, schema, ("storage", "trees"), (*yp, "trees"), f"{walk.package}.Tree")
    if not isinstance(trees, list):
        return []
    for i, tree in enumerate(trees):
        if not tree.get("local"):
            walk.problems.error((*yp, "trees", i), msg.TREE_NO_LOCAL)
    return list(enumerate(trees))


def add_trees(walk: Walk, tree: dict[str, Any], sources: dict[Any, Any]) -> None:
    """Add the trees' nodes to the translated config (errors to walk.problems)."""
    for index, _ in walk.trees:
        if not walk.files_dir:
            walk.problems.error(("storage", "trees", index), msg.NO_FILES_DIR, step="translate")
            return
    from .trees_walk import walk_trees

    walk_trees(walk, tree, sources)
