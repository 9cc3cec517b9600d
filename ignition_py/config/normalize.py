"""Raw JSON tree -> canonical tree of one spec version, the way Go's decoder reads it.

Keys match fields case-insensitively (the last duplicate wins), null means unset, and
keys the version does not know are warnings ("Unused key"), never errors. Values of the
wrong type are kept as they are for the schema check to report.
"""

from __future__ import annotations

from typing import Any

from .decode import DuplicateKeys
from .fields import Kind, keys_by_folded_name
from .report import JsonPath, Report
from .versions import Version


def normalize(tree: dict[str, Any], cls: type, version: Version, report: Report) -> dict[str, Any]:
    return _object(tree, cls, version, (), (), report)


def _object(
    raw: dict[str, Any],
    cls: type,
    version: Version,
    later: tuple[tuple[str, Version], ...],
    path: JsonPath,
    report: Report,
) -> dict[str, Any]:
    known = keys_by_folded_name(cls, version)
    too_new = {key for key, since in later if not version.at_least(since)}
    if isinstance(raw, DuplicateKeys):
        for key in raw.duplicated:
            report.warning(
                f"Duplicate key {key}: the last value is used", (*path, key), at_key=True
            )
    out: dict[str, Any] = {}
    for key, value in raw.items():
        spec = known.get(key.casefold())
        if spec is None or spec.key in too_new:
            report.warning(f"Unused key {key}", (*path, key), at_key=True)
            continue
        if spec.key in out and key != spec.key:
            report.warning(
                f"Key {key} matches {spec.key} only when case is ignored; the last one is used",
                (*path, key),
                at_key=True,
            )
        if value is None:
            out.pop(spec.key, None)
            continue
        here = (*path, spec.key)
        if spec.kind is Kind.OBJECT and isinstance(value, dict):
            assert spec.cls is not None
            value = _object(value, spec.cls, version, spec.nested_since, here, report)
        elif spec.item_kind is Kind.OBJECT and isinstance(value, list):
            assert spec.cls is not None
            value = [
                _object(item, spec.cls, version, spec.nested_since, (*here, i), report)
                if isinstance(item, dict)
                else item
                for i, item in enumerate(value)
            ]
        out.pop(spec.key, None)
        out[spec.key] = value
    return out
