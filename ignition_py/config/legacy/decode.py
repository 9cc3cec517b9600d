"""A spec 2.x JSON tree -> the same tree holding only the keys the declared 2.x version
knows, spelled as the spec spells them, with Go's decoding errors and unknown-key warnings."""

from __future__ import annotations

from ...typecheck import TYPE_CHECKING
from ..decode import GoNumber, go_kind
from ..report import Entry, JsonPath, Severity
from .schema import OBJECTS

if TYPE_CHECKING:
    from typing import Any

    from .schema import Kind

_GO_TYPE = {"str": "string", "bool": "bool", "int": "int"}
_ZERO: dict[str, Any] = {"str": "", "bool": False, "int": 0, "obj": {}, "list": []}


def decode_tree(tree: Any, minor: int, root: str = "Config") -> tuple[dict[str, Any], list[Entry]]:
    """Keep what spec 2.`minor` reads of `tree` (a dict); entries: an error per value of the
    wrong JSON type (Go's decoder fails on those), a warning per key the spec does not have
    (`Config has unrecognized key: K`, at the key). Keys match case-insensitively, the last
    of duplicates winning, as Go's decoder does; null means absent. `root` "V1Config" reads
    a spec 1 config."""
    entries: list[Entry] = []
    value = _value(tree, ("obj", root), minor, (), entries)
    return (value if isinstance(value, dict) else {}), entries


def _value(value: Any, kind: Kind, minor: int, path: JsonPath, entries: list[Entry]) -> Any:
    if value is None:
        return None
    if isinstance(kind, tuple) and kind[0] == "obj":
        if not isinstance(value, dict):
            return _mismatch(value, f"Go value of type types.{kind[1]}", path, entries)
        return _object(value, kind[1], minor, path, entries)
    if isinstance(kind, tuple):
        if not isinstance(value, list):
            return _mismatch(value, "Go value of type []", path, entries)
        return [_item(v, kind[1], minor, (*path, i), entries) for i, v in enumerate(value)]
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
    }[kind]
    if not ok:
        return _mismatch(value, f"Go value of type {_GO_TYPE[kind]}", path, entries)
    return value


def _item(value: Any, kind: Kind, minor: int, path: JsonPath, entries: list[Entry]) -> Any:
    # Go decodes a null list item as its type's zero value: {} for a struct, "" / 0 / false.
    if value is None:
        zero = _ZERO[kind[0] if isinstance(kind, tuple) else kind]
        return type(zero)() if isinstance(zero, (dict, list)) else zero
    return _value(value, kind, minor, path, entries)


def _object(
    value: dict[str, Any], name: str, minor: int, path: JsonPath, entries: list[Entry]
) -> dict[str, Any]:
    fields = {k: spec for k, spec in OBJECTS[name].items() if spec[1] <= minor}
    folded = {k.casefold(): k for k in fields}
    out: dict[str, Any] = {}
    for key, item in value.items():
        canonical = folded.get(key.casefold())
        if canonical != key or (name, key, minor) == ("Security", "tls", 3):
            # v0.36.2's 2.3 embeds its TLS type in Security, so its validator never marks
            # the key used: 2.3 warns about a `tls` it reads.
            entries.append(
                Entry(
                    Severity.WARNING,
                    f"Config has unrecognized key: {key}",
                    (*path, key),
                    at_key=True,
                )
            )
        if canonical is None:
            continue
        if canonical != key:
            message = f"Did you mean {canonical} instead of {key}"
            entries.append(Entry(Severity.INFO, message, (*path, key), at_key=True))
        decoded = _value(item, fields[canonical][0], minor, (*path, key), entries)
        if decoded is not None:
            out[canonical] = decoded
        else:
            out.pop(canonical, None)
    return out


def _mismatch(value: Any, target: str, path: JsonPath, entries: list[Entry]) -> None:
    kind = "number " + value.text if isinstance(value, GoNumber) else go_kind(value)
    entries.append(Entry(Severity.ERROR, f"json: cannot unmarshal {kind} into {target}", path))
    return None
