"""Writes the JSON schema of every known spec version from the model's field metadata.

Run `python -m ignition_py.config.schema_gen` after changing model.py; a test checks that
the files in schemas/ are up to date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..typecheck import TYPE_CHECKING
from .fields import FieldSpec, Kind, field_specs
from .model import Config
from .versions import KNOWN_VERSIONS, Version

if TYPE_CHECKING:
    from typing import Any

SCHEMA_DIR = Path(__file__).with_name("schemas")
_SCALAR_TYPES = {Kind.STRING: "string", Kind.INTEGER: "integer", Kind.BOOLEAN: "boolean"}


def _scalar(kind: Kind, nullable: bool) -> dict[str, Any]:
    name = _SCALAR_TYPES[kind]
    return {"type": [name, "null"] if nullable else name}


def _object_schema(
    cls: type, version: Version, overrides: tuple[tuple[str, Version], ...] = ()
) -> dict[str, Any]:
    later = dict(overrides)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in field_specs(cls):
        if not spec.present_in(version) or not version.at_least(later.get(spec.key, spec.since)):
            continue
        properties[spec.key] = _field_schema(spec, version)
        if spec.required:
            required.append(spec.key)
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _field_schema(spec: FieldSpec, version: Version) -> dict[str, Any]:
    if spec.kind is Kind.OBJECT:
        assert spec.cls is not None
        return _object_schema(spec.cls, version, spec.nested_since)
    if spec.kind is Kind.LIST:
        if spec.item_kind is Kind.OBJECT:
            assert spec.cls is not None
            items = _object_schema(spec.cls, version, spec.nested_since)
        else:
            assert spec.item_kind is not None
            items = _scalar(spec.item_kind, nullable=False)
        return {"type": "array", "items": items}
    # Go decodes null into any field; required keys stay non-null so that their absence
    # is reported where upstream reports it.
    return _scalar(spec.kind, nullable=not spec.required)


def schema_for(version: Version) -> dict[str, Any]:
    schema = _object_schema(Config, version)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": f"https://ignition-py.invalid/schemas/{version.schema_name}.json",
        "title": f"Ignition config, spec {version}",
        **schema,
    }


def render_all() -> dict[str, str]:
    return {
        f"{v.schema_name}.json": json.dumps(schema_for(v), indent=2, sort_keys=False) + "\n"
        for v in KNOWN_VERSIONS
    }


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in render_all().items():
        (SCHEMA_DIR / name).write_text(text)
        print(f"wrote {SCHEMA_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
