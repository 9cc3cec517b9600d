"""A null item in any list of a spec 1 / 2.x config is read as Go reads it (the item type's
zero value), so the rules report on it instead of the parser raising."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from ignition_py.config.legacy.schema import OBJECTS
from ignition_py.config.parse import parse_config

Path = tuple[str, ...]


def _list_fields(name: str, seen: frozenset[str] = frozenset()) -> Iterator[Path]:
    """Every key path (from object `name`) that holds a list; a list's item is entered as
    key "[]"."""
    if name in seen:
        return
    for key, (kind, _minor) in OBJECTS[name].items():
        if isinstance(kind, tuple) and kind[0] == "list":
            yield (key,)
            kind, key = kind[1], key + "[]"
        if isinstance(kind, tuple) and kind[0] == "obj":
            for rest in _list_fields(kind[1], seen | {name}):
                yield (key, *rest)


def _config(path: Path, root: dict[str, Any]) -> dict[str, Any]:
    node = root
    for key in path[:-1]:
        if key.endswith("[]"):
            item: dict[str, Any] = {}
            node[key[:-2]] = [item]
            node = item
        else:
            node = node.setdefault(key, {})
    node[path[-1]] = [None]
    return root


CASES = [
    pytest.param(root, path, id=f"{root}:{'.'.join(path)}")
    for root in ("V1Config", "Config")
    for path in _list_fields(root)
]


def test_walk_finds_the_lists() -> None:
    paths = [case.values[1] for case in CASES]
    assert ("storage", "files") in paths
    assert ("systemd", "units[]", "dropins") in paths
    assert ("storage", "disks[]", "partitions") in paths


@pytest.mark.parametrize(("root", "path"), CASES)
def test_null_item_parses(root: str, path: Path) -> None:
    base: dict[str, Any] = (
        {"ignitionVersion": 1} if root == "V1Config" else {"ignition": {"version": "2.4.0"}}
    )
    parsed = parse_config(json.dumps(_config(path, base)))
    assert parsed.report is not None
    assert not any("Traceback" in str(e) for e in parsed.report)
