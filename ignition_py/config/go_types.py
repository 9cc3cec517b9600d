"""How upstream's Go decoder names a field in its type errors.

`schemas/go_types.json` holds, per spec version, the structs and named types of upstream's
config/v3_*/types/schema.go at v2.26.0 (transcribed, not code): for a JSON path it gives
what `json: cannot unmarshal ... into Go struct field <Struct>.<path> of type <type>`
says, embedded structs (File = Node + FileEmbedded1) included.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from ..typecheck import TYPE_CHECKING
from .report import JsonPath
from .versions import Version

if TYPE_CHECKING:
    from typing import Any

_SCALARS = ("string", "int", "bool")


@cache
def _tables(version: Version) -> dict[str, Any]:
    everything = json.loads((Path(__file__).with_name("schemas") / "go_types.json").read_text())
    tables: dict[str, Any] = everything[version.schema_name]
    return tables


def _go_name(go_type: str) -> str:
    """reflect's Type.String() of a field's type, pointers dropped as the decoder does."""
    go_type = go_type.lstrip("*")
    if go_type.startswith("[]"):
        return "[]" + _go_name(go_type[2:])
    return go_type if go_type in _SCALARS else f"types.{go_type}"


def _element(go_type: str, named: dict[str, str]) -> str:
    go_type = named.get(go_type.lstrip("*"), go_type.lstrip("*"))
    return go_type[2:] if go_type.startswith("[]") else go_type


def struct_field(version: Version, path: JsonPath) -> tuple[str, str, str] | None:
    """(Struct, dotted field path, Go type) that Go names for a value at `path`.

    None where the tables do not know the path (a field this version does not have).
    """
    tables = _tables(version)
    structs: dict[str, list[list[str]]] = tables["structs"]
    named: dict[str, str] = tables["named"]
    current, owner, go_type = "Config", "Config", "Config"
    fields: list[str] = []
    for step in path:
        if isinstance(step, int):
            go_type = _element(go_type, named)
            current = go_type
            continue
        found = _find(structs, current, step)
        if found is None:
            return None
        embedded, go_type = found
        owner = current
        fields.extend(embedded)
        fields.append(step)
        current = go_type.lstrip("*")
    return owner, ".".join(fields), _go_name(go_type)


def _find(
    structs: dict[str, list[list[str]]], struct: str, key: str
) -> tuple[list[str], str] | None:
    """([embedded struct names on the way], field type) of JSON `key` in `struct`."""
    for json_key, _, go_type in structs.get(struct, []):
        if json_key == key:
            return [], go_type
    for json_key, go_field, go_type in structs.get(struct, []):
        if json_key == "":
            inner = _find(structs, go_type, key)
            if inner is not None:
                return [go_field, *inner[0]], inner[1]
    return None
