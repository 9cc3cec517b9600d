"""Type and shape checks of a canonical tree against our JSON schema of its version.

A compiled validator (fastjsonschema) answers the common case, a valid config, quickly;
only when it fails does jsonschema walk the tree again to list every problem with its path.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from .decode import GoNumber
from .report import Entry, JsonPath, Severity
from .versions import Version

# What Go's decoder calls a JSON value, and a schema type, in its type errors.
_JSON_TYPE_NAMES = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "bool",
    int: "number",
    GoNumber: "number",
    type(None): "null",
}
_GO_TYPE_NAMES = {"integer": "int", "boolean": "bool"}


@cache
def load_schema(version: Version) -> dict[str, Any]:
    text = (Path(__file__).with_name("schemas") / f"{version.schema_name}.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema


# Where a build (the initramfs) may put validators generated ahead of time.
PRECOMPILED_PACKAGE = "ignition_py.config.fastschema"


@cache
def _fast_validator(version: Version) -> Callable[[Any], Any]:
    import importlib

    try:
        module = importlib.import_module(f"{PRECOMPILED_PACKAGE}.{version.schema_name}")
        precompiled: Callable[[Any], Any] = module.validate
        return precompiled
    except ImportError:
        pass
    import fastjsonschema

    validator: Callable[[Any], Any] = fastjsonschema.compile(load_schema(version))
    return validator


def check_schema(tree: dict[str, Any], version: Version) -> list[Entry]:
    import fastjsonschema

    try:
        _fast_validator(version)(tree)
        return []
    except fastjsonschema.JsonSchemaException:
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
            expected = error.validator_value
            expected = [expected] if isinstance(expected, str) else expected
            wanted = " or ".join(_GO_TYPE_NAMES.get(t, t) for t in expected if t != "null")
            got = _JSON_TYPE_NAMES.get(type(error.instance), "value")
            if isinstance(error.instance, GoNumber) and wanted == "int":
                got = f"number {error.instance.text}"  # as Go words it
            message = f"cannot unmarshal {got} into field of type {wanted}"
        else:
            message = error.message
        entries.append(Entry(Severity.ERROR, message, path))
    return sorted(entries, key=lambda e: [str(p) for p in e.path or ()])
