"""Raw JSON tree -> canonical tree of one spec version, the way Go's decoder reads it.

Keys match fields case-insensitively (the last duplicate wins), null means unset, and
keys the version does not know are warnings ("unused key"), never errors. Values of the
wrong type are kept as they are for the schema check to report.
"""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING
from .decode import DuplicateKeys
from .fields import FieldSpec, Kind, keys_by_folded_name
from .report import JsonPath, Report
from .versions import Version

if TYPE_CHECKING:
    from typing import Any

NULL_OBJECT = "null where an object is expected: read as an empty object"
_Tables = dict[type, dict[str, FieldSpec]]


def normalize(tree: dict[str, Any], cls: type, version: Version, report: Report) -> dict[str, Any]:
    return _object(tree, cls, version, (), (), report, {})


def _object(
    raw: dict[str, Any],
    cls: type,
    version: Version,
    later: tuple[tuple[str, Version], ...],
    path: JsonPath,
    report: Report,
    tables: _Tables,
) -> dict[str, Any]:
    known = tables.get(cls)
    if known is None:  # keys_by_folded_name hashes the version: once per class here
        known = tables[cls] = keys_by_folded_name(cls, version)
    too_new = {key for key, since in later if not version.at_least(since)} if later else ()
    if isinstance(raw, DuplicateKeys):
        for key in raw.duplicated:
            report.warning(
                f"Duplicate key {key}: the last value is used", (*path, key), at_key=True
            )
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = known.get(key.casefold())
        if spec is None or spec.key in too_new:
            report.warning(f"unused key {key}", (*path, key), at_key=True)
            continue
        inner = report
        if key != spec.key:
            # Go's decoder reads the value all the same (it matches keys ignoring case),
            # and upstream's key check, which does not, warns that the key is unused and
            # cannot look beneath it: nothing inside is reported.
            report.warning(f"unused key {key}", (*path, key), at_key=True)
            inner = Report()
        if value is None:
            if spec.kind is Kind.OBJECT:
                report.warning(NULL_OBJECT, (*path, spec.key))
            out.pop(spec.key, None)
            if spec.required and spec.kind is Kind.STRING:
                out[spec.key] = ""  # Go reads null into a plain string as ""
            continue
        if isinstance(value, dict):
            if spec.kind is Kind.OBJECT:
                assert spec.cls is not None
                here = (*path, spec.key)
                value = _object(value, spec.cls, version, spec.nested_since, here, inner, tables)
            else:
                value = {}  # see _kind_only
        elif isinstance(value, list):
            if spec.item_kind is Kind.OBJECT:
                assert spec.cls is not None
                here = (*path, spec.key)
                value = _objects(value, spec.cls, version, spec.nested_since, here, inner, tables)
            elif spec.kind is Kind.LIST:
                # Go decodes a null string in a list as "".
                value = ["" if item is None else _kind_only(item) for item in value]
            else:
                value = []  # see _kind_only
        if spec.key in out:
            del out[spec.key]
        out[spec.key] = value
    return out


def _objects(
    raw: list[Any],
    cls: type,
    version: Version,
    later: tuple[tuple[str, Version], ...],
    here: JsonPath,
    report: Report,
    tables: _Tables,
) -> list[Any]:
    items = []
    for i, item in enumerate(raw):
        if item is None:
            # Go decodes a null list item into an empty struct.
            report.warning(NULL_OBJECT, (*here, i))
            item = {}
        if isinstance(item, dict):
            item = _object(item, cls, version, later, (*here, i), report, tables)
        else:
            item = _kind_only(item)
        items.append(item)
    return items


def _kind_only(value: Any) -> Any:
    """A container where the spec has none (or has another kind) only matters for its kind
    (the type error names it): keep it empty, so that no later step walks a tree nested
    as deep as Go allows (10000 levels)."""
    if isinstance(value, dict):
        return {}
    if isinstance(value, list):
        return []
    return value
