"""Our generated schema of each version against upstream's published schema of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config import schema_gen
from ignition_py.config.versions import KNOWN_VERSIONS, Version

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "ignition-schemas"


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = root
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def property_paths(root: dict[str, Any]) -> dict[str, str]:
    """Every property path ('storage.files[].path') with its non-null JSON type."""
    found: dict[str, str] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        node = _resolve(root, node)
        for part in node.get("allOf", []):
            walk(part, path)
        for key, child in node.get("properties", {}).items():
            child_path = f"{path}.{key}" if path else key
            resolved = _resolve(root, child)
            types = resolved.get("type", "object")
            types = [types] if isinstance(types, str) else types
            found[child_path] = next(t for t in types if t != "null")
            walk(resolved, child_path)
        if "items" in node:
            walk(node["items"], f"{path}[]")

    walk(root, "")
    return found


@pytest.mark.parametrize("version", KNOWN_VERSIONS, ids=str)
def test_same_properties_and_types_as_upstream(version: Version) -> None:
    reference_file = REFERENCE / f"{version.schema_name}.json"
    if not reference_file.exists():
        pytest.skip(f"upstream reference schemas not found at {REFERENCE} (../shared absent)")
    upstream = property_paths(json.loads(reference_file.read_text()))
    ours = property_paths(schema_gen.schema_for(version))
    assert sorted(set(upstream) - set(ours)) == [], "properties missing in our schema"
    assert sorted(set(ours) - set(upstream)) == [], "properties upstream does not have"
    assert {p: t for p, t in ours.items() if upstream[p] != t} == {}


@pytest.mark.parametrize("version", KNOWN_VERSIONS, ids=str)
def test_committed_schema_files_are_current(version: Version) -> None:
    committed = (schema_gen.SCHEMA_DIR / f"{version.schema_name}.json").read_text()
    assert committed == schema_gen.render_all()[f"{version.schema_name}.json"], (
        "run `python -m ignition_py.config.schema_gen` after changing the model"
    )
