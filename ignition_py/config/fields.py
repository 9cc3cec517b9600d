"""Field metadata that lets the model describe the spec: JSON key, kind, version range.

The frozen records in model.py carry this metadata; the schema generator, the key
normalizer, the builder and the renderer all read the spec from there, so the spec is
written down once.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from typing import Any

from ..frozen import fields_of, frozen_model
from .versions import V3_0, Version


class Kind(StrEnum):
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

    def present_in(self, version: Version) -> bool:
        return version.at_least(self.since)


def spec(
    key: str,
    kind: Kind,
    *,
    since: Version = V3_0,
    required: bool = False,
    item: Kind | type | None = None,
    cls: type | None = None,
    nested_since: dict[str, Version] | None = None,
) -> dict[str, Any]:
    """Metadata for field(metadata=...)."""
    item_kind: Kind | None = None
    if kind is Kind.LIST:
        if isinstance(item, Kind):
            item_kind = item
        else:
            item_kind, cls = Kind.OBJECT, item
    return {
        "spec": (key, kind, since, required, item_kind, cls, tuple((nested_since or {}).items()))
    }


@cache
def field_specs(cls: type) -> tuple[FieldSpec, ...]:
    """The spec fields of a model class, in JSON key order."""
    specs = []
    for f in fields_of(cls):
        key, kind, since, required, item_kind, item_cls, nested = f.metadata["spec"]
        specs.append(FieldSpec(f.name, key, kind, since, required, item_kind, item_cls, nested))
    return tuple(sorted(specs, key=lambda s: s.key))


@cache
def keys_by_folded_name(cls: type, version: Version) -> dict[str, FieldSpec]:
    """Case-folded JSON key -> field, for the fields that exist in `version`."""
    return {s.key.casefold(): s for s in field_specs(cls) if s.present_in(version)}
