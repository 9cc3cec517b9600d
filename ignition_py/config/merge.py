"""Merging of Ignition configs, as upstream's config/merge does it.

Works on canonical newest-spec JSON trees (dicts, lists, str, int, bool; absent = unset).
Objects merge field by field, child scalars override, and lists are merged by key:
a parent item whose key the child also has is merged with the child's item, child
items with new keys are appended.  Lists that share a key space (files, directories
and links by path; kernel arguments that should or should not exist) drop a parent
item when the child has that key in the other list.  Some lists are plain appends.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any

JsonObject = dict[str, Any]


def _field_key(name: str) -> Callable[[Any], str]:
    return lambda item: str(item.get(name, ""))


def _partition_key(partition: JsonObject) -> str:
    # Upstream: a nonzero number wins over the label; number 0 means "no number".
    number = partition.get("number", 0)
    if number:
        return f"number:{number}"
    if "label" in partition:
        return f"label:{partition['label']}"
    return ""


# Key of the items of each list of objects, by the list's field name.  The field
# names are unique across the spec for lists of objects ("groups" is a list of
# objects under passwd and of strings under a user; strings are their own key).
_OBJECT_LIST_KEYS: dict[str, Callable[[Any], str]] = {
    "directories": _field_key("path"),
    "files": _field_key("path"),
    "links": _field_key("path"),
    "disks": _field_key("device"),
    "partitions": _partition_key,
    "filesystems": _field_key("device"),
    "luks": _field_key("name"),
    "raid": _field_key("name"),
    "tang": _field_key("url"),
    "units": _field_key("name"),
    "dropins": _field_key("name"),
    "users": _field_key("name"),
    "groups": _field_key("name"),
    "merge": _field_key("source"),
    "certificateAuthorities": _field_key("source"),
    "httpHeaders": _field_key("name"),
}

# Lists whose fields share one key space (upstream's MergedKeys).
_SHARED_KEY_SPACES: dict[str, str] = {
    "directories": "node",
    "files": "node",
    "links": "node",
    "shouldExist": "kernel-argument",
    "shouldNotExist": "kernel-argument",
}

# Lists concatenated without deduplication (upstream's IgnoreDuplicates).
_APPENDED_LISTS = frozenset({"append", "options", "mountOptions"})

# Upstream's plain (non-pointer) scalars take the child's value even when the child
# leaves them unset.  The other plain scalars are item keys, equal on both sides.
_ALWAYS_FROM_CHILD = frozenset({"version", "number"})


def _item_key(field: str, item: Any) -> str:
    if isinstance(item, str):
        return item
    try:
        key_of = _OBJECT_LIST_KEYS[field]
    except KeyError:
        raise ValueError(f"no merge key known for list field {field!r}") from None
    return key_of(item)


def _key_space(field: str) -> str:
    return _SHARED_KEY_SPACES.get(field, field)


def _index_child_lists(child: JsonObject) -> dict[tuple[str, str], tuple[str, Any]]:
    """Map (key space, item key) to (list field, item) over every keyed list of child.

    Fields are visited in sorted order, as Go visits struct fields, so that among
    duplicate keys the same item wins as upstream.
    """
    index: dict[tuple[str, str], tuple[str, Any]] = {}
    for field in sorted(child):
        items = child[field]
        if not isinstance(items, list) or field in _APPENDED_LISTS:
            continue
        for item in items:
            index[(_key_space(field), _item_key(field, item))] = (field, item)
    return index


def _merge_keyed_list(
    field: str,
    parent_items: list[Any],
    child_items: list[Any],
    child_index: dict[tuple[str, str], tuple[str, Any]],
) -> list[Any]:
    merged: list[Any] = []
    for parent_item in parent_items:
        found = child_index.get((_key_space(field), _item_key(field, parent_item)))
        if found is None:
            merged.append(copy.deepcopy(parent_item))
            continue
        child_field, child_item = found
        if child_field != field:
            continue  # the child has this key in a sibling list: the parent's entry goes
        if isinstance(child_item, dict):
            if field == "httpHeaders" and "value" not in child_item:
                continue  # a header without a value deletes the parent's header
            merged.append(merge_configs(parent_item, child_item))
        else:
            merged.append(child_item)
    parent_keys = {_item_key(field, item) for item in parent_items}
    merged.extend(
        copy.deepcopy(item) for item in child_items if _item_key(field, item) not in parent_keys
    )
    return merged


def merge_configs(parent: JsonObject, child: JsonObject) -> JsonObject:
    """Merge child over parent (upstream's MergeStruct); returns a new tree."""
    child_index = _index_child_lists(child)
    result: JsonObject = {}
    for field in [*parent, *(name for name in child if name not in parent)]:
        parent_value = parent.get(field)
        child_value = child.get(field)
        if field in _ALWAYS_FROM_CHILD:
            if child_value is not None:
                result[field] = child_value
        elif isinstance(parent_value, list) or isinstance(child_value, list):
            parent_items = parent_value if isinstance(parent_value, list) else []
            child_items = child_value if isinstance(child_value, list) else []
            if field in _APPENDED_LISTS:
                merged = copy.deepcopy(parent_items + child_items)
            else:
                merged = _merge_keyed_list(field, parent_items, child_items, child_index)
            if merged:
                result[field] = merged
        elif isinstance(parent_value, dict) and isinstance(child_value, dict):
            result[field] = merge_configs(parent_value, child_value)
        elif child_value is not None:
            result[field] = copy.deepcopy(child_value)
        elif parent_value is not None:
            result[field] = copy.deepcopy(parent_value)
    return result


def _merge_all(configs: Iterable[JsonObject]) -> JsonObject:
    merged: JsonObject = {}
    for config in configs:
        merged = merge_configs(merged, config)
    return merged


def merge_base_configs(
    bases: Sequence[JsonObject],
    user: JsonObject,
    platform_bases: Sequence[JsonObject] = (),
) -> JsonObject:
    """The config a stage runs: base configs, then platform base configs, then the user's.

    Mirrors upstream's FetchBaseConfig: the `base.d` fragments are merged in order, the
    `base.platform.d/<platform>` fragments likewise, the latter over the former, and the
    user config over the result.
    """
    system_base = merge_configs(_merge_all(bases), _merge_all(platform_bases))
    return merge_configs(system_base, user)
