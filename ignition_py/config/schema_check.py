"""Type and shape checks of a canonical tree against our JSON schema of its version.

A compiled validator (fastjsonschema) answers the common case, a valid config, quickly;
only when it fails does jsonschema walk the tree again to list every problem with its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from ..typecheck import TYPE_CHECKING
from .decode import GoNumber, go_kind
from .go_types import struct_field
from .report import Entry, JsonPath, Severity
from .versions import Version

if TYPE_CHECKING:
    from typing import Any


@cache
def load_schema(version: Version) -> dict[str, Any]:
    """Our JSON schema (draft 7) of a spec version, from schemas/<v3_N>.json (cached)."""
    text = (Path(__file__).with_name("schemas") / f"{version.schema_name}.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


# Where a build (the initramfs) may put validators generated ahead of time.
PRECOMPILED_PACKAGE = "ignition_py.config.fastschema"


@cache
def _fast_validator(version: Version) -> tuple[Callable[[Any], Any], type[Exception]]:
    """The version's validator and the exception it raises for a mismatch: the one the
    build generated (raising schema_mismatch's), else fastjsonschema's compiled now."""
    import importlib

    try:
        module = importlib.import_module(f"{PRECOMPILED_PACKAGE}.{version.schema_name}")
        from .schema_mismatch import JsonSchemaValueException

        precompiled: Callable[[Any], Any] = module.validate
        return precompiled, JsonSchemaValueException
    except ImportError:
        pass
    import fastjsonschema

    validator: Callable[[Any], Any] = fastjsonschema.compile(load_schema(version))
    return validator, fastjsonschema.JsonSchemaException


def check_schema(tree: dict[str, Any], version: Version) -> list[Entry]:
    validate, mismatch = _fast_validator(version)
    try:
        validate(tree)
        return []
    except mismatch:
        pass
    import jsonschema

    validator = jsonschema.Draft7Validator(load_schema(version))
    entries = []
    for error in validator.iter_errors(tree):
        path: JsonPath = tuple(error.absolute_path)
        if error.validator == "required":
            # Upstream reads a missing required field as empty; the semantic rules say
            # what that means for each field, at the field's path, as upstream does.
            continue
        if error.validator == "type":
            message = _type_error(error.instance, error.validator_value, version, path)
        else:
            message = error.message
        entries.append(Entry(Severity.ERROR, message, path))
    return sorted(entries, key=lambda e: [str(p) for p in e.path or ()])


def _type_error(value: Any, expected: str | list[str], version: Version, path: JsonPath) -> str:
    """Go's UnmarshalTypeError text for `value` at `path`."""
    got = go_kind(value)
    if isinstance(value, GoNumber):
        wanted = [expected] if isinstance(expected, str) else expected
        if "integer" in wanted:
            got = f"number {value.text}"  # Go names the literal it could not read as an int
    found = struct_field(version, path)
    if found is None:
        return f"json: cannot unmarshal {got} into a field of this spec"
    struct, field_path, go_type = found
    return (
        f"json: cannot unmarshal {got} into Go struct field {struct}.{field_path} of type "
        + go_type
    )
