"""Ignition's config merge on JSON trees, keeping track of where every list item goes
(Butane's MergeTranslatedConfigs: generated parts such as mount units and sugar are the
parent, the user's translated config the child; the translations of both are carried
over, the child's winning).

The merge rules are the model's (config/fields.py: item keys, key spaces, lists whose
items repeat), as config/merge.py applies them to model objects.
"""

from __future__ import annotations

from ..config.build import build
from ..config.fields import Kind, field_specs
from ..config.merge import ALWAYS_FROM_CHILD
from ..config.model import Config
from ..typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    JsonPath = tuple[str | int, ...]
    # (side, list path in that side's coordinates) -> {item index there: index in result}
    Moves = dict[tuple[str, JsonPath], dict[int, int]]

PARENT, CHILD = "parent", "child"


def merge_trees(parent: dict[str, Any], child: dict[str, Any]) -> tuple[dict[str, Any], Moves]:
    """Child merged over parent (upstream's MergeStruct) and where list items moved."""
    moves: Moves = {}
    return _merge(Config, parent, child, (), (), moves), moves


def remap(path: JsonPath, side: str, moves: Moves) -> JsonPath:
    """A path of one side's tree, in the merged tree's coordinates."""
    out: list[str | int] = []
    for i, part in enumerate(path):
        if isinstance(part, int):
            table = moves.get((side, path[:i]))
            if table is not None and part in table:
                out.append(table[part])
                continue
        out.append(part)
    return tuple(out)


def _key_of(spec: Any, item: Any) -> object:
    if spec.item_kind is not Kind.OBJECT:
        return item
    return spec.item_key(build(spec.cls, item))


def _merge(
    cls: type,
    parent: dict[str, Any],
    child: dict[str, Any],
    pp: JsonPath,
    cp: JsonPath,
    moves: Moves,
) -> dict[str, Any]:
    specs = field_specs(cls)
    child_index: dict[tuple[str, object], str] = {}
    for spec in specs:
        if spec.kind is Kind.LIST and not spec.repeats and spec.item_key is not None:
            for item in child.get(spec.key) or ():
                child_index[(spec.key_space, _key_of(spec, item))] = spec.key
    out: dict[str, Any] = {}
    for spec in specs:
        key = spec.key
        p, c = parent.get(key), child.get(key)
        if p is None and c is None:
            continue
        if spec.kind is Kind.OBJECT and p is not None and c is not None:
            assert spec.cls is not None
            out[key] = _merge(spec.cls, p, c, (*pp, key), (*cp, key), moves)
        elif spec.kind is Kind.LIST:
            out[key] = _merge_list(
                spec, p or [], c or [], (*pp, key), (*cp, key), child_index, moves
            )
        elif c is not None or key in ALWAYS_FROM_CHILD:
            out[key] = c
        else:
            out[key] = p
    for key in child:  # keys the model does not know (none after the walk) stay
        out.setdefault(key, child[key])
    return out


def _merge_list(
    spec: Any,
    parent: list[Any],
    child: list[Any],
    pp: JsonPath,
    cp: JsonPath,
    child_index: dict[tuple[str, object], str],
    moves: Moves,
) -> list[Any]:
    p_moves = moves.setdefault((PARENT, pp), {})
    c_moves = moves.setdefault((CHILD, cp), {})
    if spec.repeats or spec.item_key is None:
        p_moves.update({i: i for i in range(len(parent))})
        c_moves.update({i: len(parent) + i for i in range(len(child))})
        return parent + child
    child_keys = [_key_of(spec, item) for item in child]
    merged: list[Any] = []
    parent_keys = set()
    for pi, item in enumerate(parent):
        key = _key_of(spec, item)
        parent_keys.add(key)
        owner = child_index.get((spec.key_space, key))
        if owner is None:
            p_moves[pi] = len(merged)
            merged.append(item)
            continue
        if owner != spec.key:
            continue
        ci = len(child_keys) - 1 - child_keys[::-1].index(key)
        p_moves[pi] = c_moves[ci] = len(merged)
        if spec.item_kind is Kind.OBJECT:
            assert spec.cls is not None
            merged.append(_merge(spec.cls, item, child[ci], (*pp, pi), (*cp, ci), moves))
        else:
            merged.append(child[ci])
    for ci, item in enumerate(child):
        if child_keys[ci] not in parent_keys:
            c_moves[ci] = len(merged)
            merged.append(item)
    return merged
