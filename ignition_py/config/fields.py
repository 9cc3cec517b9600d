"""Field metadata that lets the model describe the spec: JSON key, kind, version range,
and for lists how their items are told apart (upstream's Key(), MergedKeys and
IgnoreDuplicates), which merging and the duplicate check read.

The frozen records in model.py carry this metadata; the schema generator, the key
normalizer, the builder and the renderer all read the spec from there, so the spec is
written down once.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cache

from ..frozen import fields_of, frozen_model
from ..typecheck import TYPE_CHECKING
from .versions import V3_0, Version

if TYPE_CHECKING:
    from typing import Any

    ItemKey = Callable[[Any], object]


class Kind(StrEnum):
    """What a spec field holds: a scalar (string, integer, boolean), an object or a list."""

    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    OBJECT = "object"
    LIST = "list"


@frozen_model
class FieldSpec:
    attr: str
    key: str
    kind: Kind
    since: Version
    required: bool
    item_kind: Kind | None
    cls: type | None
    # For fields holding resources: keys of the nested object that appear later here
    # than the nested type's own 'since' says (3.0 config resources had no compression).
    nested_since: tuple[tuple[str, Version], ...]
    # Lists only. The identity of an item: two items with the same key are one entry
    # (merged by a merge, an error twice in one config). Scalars are their own key.
    item_key: ItemKey | None
    # Lists sharing one key space (files, directories and links) have one name here;
    # otherwise the field's JSON key.
    key_space: str
    # Items are appended on merge and may repeat (upstream's IgnoreDuplicates).
    repeats: bool

    def present_in(self, version: Version) -> bool:
        return version.at_least(self.since)


def _itself(item: object) -> object:
    return item


def spec(
    key: str,
    kind: Kind,
    *,
    since: Version = V3_0,
    required: bool = False,
    item: Kind | type | None = None,
    cls: type | None = None,
    nested_since: dict[str, Version] | None = None,
    keyed_by: ItemKey | None = None,
    key_space: str | None = None,
    repeats: bool = False,
) -> dict[str, Any]:
    """Metadata for field(metadata=...).

    A list of objects must say how its items are keyed (`keyed_by`, a function of the
    item) or that they repeat: raises TypeError at import otherwise, so that no list can
    reach a merge without a key.
    """
    item_kind: Kind | None = None
    item_key: ItemKey | None = None
    if kind is Kind.LIST:
        if isinstance(item, Kind):
            item_kind, item_key = item, keyed_by or _itself
        else:
            item_kind, cls, item_key = Kind.OBJECT, item, keyed_by
            if item_key is None and not repeats:
                raise TypeError(f"list field {key!r} of objects needs keyed_by= or repeats=True")
    nested = tuple((nested_since or {}).items())
    space = key_space or key
    return {"spec": (key, kind, since, required, item_kind, cls, nested, item_key, space, repeats)}


@cache
def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The spec fields of a model class, in JSON key order."""
    specs = []
    for f in fields_of(cls):
        specs.append(FieldSpec(f.name, *f.metadata["spec"]))
    return tuple(sorted(specs, key=lambda s: s.key))


@cache
def keys_by_folded_name(cls: type, version: Version) -> dict[str, FieldSpec]:
    """Case-folded JSON key -> field, for the fields that exist in `version`."""
    return {s.key.casefold(): s for s in field_specs(cls) if s.present_in(version)}
