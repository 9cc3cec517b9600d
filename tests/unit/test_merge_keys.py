"""Every list of every spec version says how its items are keyed, on the model's field
metadata; merging and the duplicate check both read it, so a list cannot reach either
without a key (a merge used to raise `no merge key known` for a list missing from its
own table)."""

from __future__ import annotations

from typing import Any

import pytest

from ignition_py.config.build import build, render
from ignition_py.config.fields import Kind, spec
from ignition_py.config.merge import merge_configs
from ignition_py.config.model import Config, HTTPHeader
from ignition_py.config.report import JsonPath
from ignition_py.config.semantics.duplicates import check_duplicates
from ignition_py.config.semantics.problems import Problems
from tests.unit.model_fields import ModelField, all_model_fields

LISTS = [f for f in all_model_fields() if f.spec.kind is Kind.LIST]


def with_items(path: JsonPath, items: list[Any]) -> Config:
    """A config with `items` as the list at `path` (list steps: the first item)."""
    tree: Any = items
    for step in reversed(path):
        tree = [tree] if isinstance(step, int) else {step: tree}
    return build(Config, tree)


def items_at(config: Config, path: JsonPath) -> list[Any]:
    node: Any = render(config)
    for step in path:
        node = node[step]
    assert isinstance(node, list)
    return node


def one_item(field: ModelField) -> Any:
    """Two of these have the same key: an empty object, or the same string. (A header
    has a value: a child's header without one deletes the parent's.)"""
    if field.spec.item_kind is not Kind.OBJECT:
        return "x"
    return {"value": "v"} if field.spec.cls is HTTPHeader else {}


def test_every_version_has_lists_of_both_kinds() -> None:
    assert any(f.spec.repeats for f in LISTS)
    assert {f.spec.item_kind for f in LISTS} == {Kind.OBJECT, Kind.STRING}
    assert len({f.version for f in LISTS}) >= 8


@pytest.mark.parametrize("field", LISTS, ids=lambda f: f.id)
def test_every_list_declares_its_key(field: ModelField) -> None:
    assert field.spec.repeats or field.spec.item_key is not None


@pytest.mark.parametrize("field", LISTS, ids=lambda f: f.id)
def test_merge_joins_items_of_one_key_and_appends_repeats(field: ModelField) -> None:
    item = one_item(field)
    parent = with_items(field.path, [item])
    child = with_items(field.path, [item])
    merged = items_at(merge_configs(parent, child), field.path)
    assert len(merged) == (2 if field.spec.repeats else 1)


@pytest.mark.parametrize("field", LISTS, ids=lambda f: f.id)
def test_duplicate_check_reads_the_same_keys(field: ModelField) -> None:
    item = one_item(field)
    problems = Problems(field.version)
    check_duplicates(with_items(field.path, [item, item]), problems)
    duplicate_at = (*field.path, 1)
    flagged = [p for p in problems.entries if p.path == duplicate_at]
    assert len(flagged) == (0 if field.spec.repeats else 1)


def test_a_list_of_objects_without_a_key_cannot_be_declared() -> None:
    with pytest.raises(TypeError, match="widgets"):
        spec("widgets", Kind.LIST, item=Config)
    assert spec("widgets", Kind.LIST, item=Config, repeats=True)


def test_files_directories_and_links_share_one_key_space() -> None:
    parent = build(Config, {"storage": {"files": [{"path": "/a"}, {"path": "/b"}]}})
    child = build(Config, {"storage": {"links": [{"path": "/a", "target": "/t"}]}})
    storage = render(merge_configs(parent, child))["storage"]
    assert storage == {"files": [{"path": "/b"}], "links": [{"path": "/a", "target": "/t"}]}
