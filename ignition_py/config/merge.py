"""Merging of Ignition configs, as upstream's config/merge does it, on the model itself.

Objects merge field by field and a child's set scalar overrides (an unset one keeps the
parent's, except upstream's plain scalars: the version and a partition's number). Lists
merge by the item key the model declares: a parent item whose key the child also has is
merged with the child's item, child items with new keys are appended. Lists that share a
key space (files, directories and links; kernel arguments that should or should not
exist) drop a parent item when the child has its key in the other list. Lists whose
items repeat are appended.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..typecheck import TYPE_CHECKING
from .fields import FieldSpec, Kind, field_specs
from .model import Config, HTTPHeader

if TYPE_CHECKING:
    from typing import Any, TypeVar

    _ChildIndex = dict[tuple[str, object], tuple[str, Any]]

    T = TypeVar("T")

# Upstream's one plain (non-pointer) scalar that is not required: the child's zero value
# wins even when the child leaves it unset. (Required ones are never unset here.)
ALWAYS_FROM_CHILD = frozenset({"number"})


def merge_configs(parent: T, child: T) -> T:
    """Merge child over parent (upstream's MergeStruct); returns a new record of the same
    type. Never raises: every list of the model declares its key."""
    cls: type = type(child)
    specs = field_specs(cls)
    child_index = _index_child_lists(child, specs)
    values: dict[str, Any] = {}
    for spec in specs:
        parent_value = getattr(parent, spec.attr)
        child_value = getattr(child, spec.attr)
        if spec.kind is Kind.LIST:
            if spec.repeats:
                values[spec.attr] = parent_value + child_value
            else:
                values[spec.attr] = _merge_keyed_list(spec, parent_value, child_value, child_index)
        elif spec.kind is Kind.OBJECT and parent_value is not None and child_value is not None:
            values[spec.attr] = merge_configs(parent_value, child_value)
        elif spec.key in ALWAYS_FROM_CHILD or child_value is not None:
            values[spec.attr] = child_value
        else:
            values[spec.attr] = parent_value
    merged: T = cls(**values)
    return merged


def _index_child_lists(child: object, specs: Sequence[FieldSpec]) -> _ChildIndex:
    """Map (key space, item key) to (list field, item) over every keyed list of child.

    Fields are visited in JSON key order, as Go visits the struct fields, so that among
    duplicate keys the same item wins as upstream.
    """
    index: _ChildIndex = {}
    for spec in specs:
        if spec.kind is not Kind.LIST or spec.repeats or spec.item_key is None:
            continue
        for item in getattr(child, spec.attr):
            index[(spec.key_space, spec.item_key(item))] = (spec.key, item)
    return index


def _merge_keyed_list(
    spec: FieldSpec,
    parent_items: tuple[Any, ...],
    child_items: tuple[Any, ...],
    child_index: _ChildIndex,
) -> tuple[Any, ...]:
    key_of = spec.item_key
    assert key_of is not None  # spec() gives every list that does not repeat a key
    merged: list[Any] = []
    for parent_item in parent_items:
        found = child_index.get((spec.key_space, key_of(parent_item)))
        if found is None:
            merged.append(parent_item)
            continue
        child_field, child_item = found
        if child_field != spec.key:
            continue  # the child has this key in a sibling list: the parent's entry goes
        if isinstance(child_item, HTTPHeader) and child_item.value is None:
            continue  # upstream: a header without a value deletes the parent's header
        if spec.item_kind is Kind.OBJECT:
            merged.append(merge_configs(parent_item, child_item))
        else:
            merged.append(child_item)
    parent_keys = {key_of(item) for item in parent_items}
    merged.extend(item for item in child_items if key_of(item) not in parent_keys)
    return tuple(merged)


def merge_all(configs: Sequence[Config]) -> Config:
    """Each config merged over the ones before it; no configs merge to the empty one."""
    if not configs:
        return Config()
    merged = configs[0]
    for config in configs[1:]:
        merged = merge_configs(merged, config)
    return merged


def merge_base_configs(
    bases: Sequence[Config], user: Config, platform_bases: Sequence[Config] = ()
) -> Config:
    """The config a stage runs (upstream's FetchBaseConfig, then the user's config over
    it): the `base.d` fragments merged in order, the `base.platform.d/<platform>` ones
    likewise over them, and the user config over the result."""
    return merge_all([merge_all(bases), merge_all(platform_bases), user])
