"""Bytes to a JSON tree, decoding as leniently as upstream's Go decoder does.

Go's decoder replaces invalid UTF-8 with U+FFFD, and lets the last of duplicate keys win;
so do we, with a warning. Text that is not JSON at all gets an answer that says what
it looks like (a Butane YAML file, an Ignition 2.x config, nothing) instead of a parse
error.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .positions import PositionIndex
from .report import Entry, Severity

# Go's int (every integer field of every spec is an int or *int) is 64 bits wide.
GO_INT_MIN, GO_INT_MAX = -(1 << 63), (1 << 63) - 1
# No JSON integer literal this long (no leading zeros allowed) fits in a Go int.
_LONGEST_GO_INT = len(str(GO_INT_MIN))


class GoNumber:
    """A JSON number that Go cannot read into an int: a fraction, an exponent, or out of
    range (upstream: `cannot unmarshal number 4.2e2 into ... of type int`). Kept as its
    text; no spec has a field of any other number type, so it is never a valid value.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"GoNumber({self.text})"


def go_kind(value: Any) -> str:
    """What Go's decoder calls a JSON value in its type errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, GoNumber)):
        return "number"
    names: list[tuple[type, str]] = [(dict, "object"), (list, "array"), (str, "string")]
    return next((name for cls, name in names if isinstance(value, cls)), "null")


def _integer(text: str) -> int | GoNumber:
    if len(text) > _LONGEST_GO_INT:
        return GoNumber(text)  # also spares int() Python's digit limit
    value = int(text)
    return value if GO_INT_MIN <= value <= GO_INT_MAX else GoNumber(text)


class DuplicateKeys(dict[str, Any]):
    """A JSON object that had repeated keys; insertion order follows the last occurrence."""

    duplicated: tuple[str, ...] = ()


@dataclass
class Decoded:
    text: str
    tree: Any = None
    entries: list[Entry] = field(default_factory=list)
    positions: PositionIndex = field(init=False)

    def __post_init__(self) -> None:
        self.positions = PositionIndex(self.text)

    @property
    def ok(self) -> bool:
        return not any(e.severity is Severity.ERROR for e in self.entries)


_YAML_KEY_LINE = re.compile(r"^\s*(?:---\s*$|#|[A-Za-z_][\w.-]*\s*:(?:\s|$))", re.MULTILINE)
_BUTANE_VARIANT = re.compile(r"^\s*variant\s*:", re.MULTILINE)


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    dup = DuplicateKeys()
    seen: set[str] = set()
    repeated: list[str] = []
    for key, value in pairs:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
        dup.pop(key, None)
        dup[key] = value
    dup.duplicated = tuple(repeated)
    return dup


def decode(raw: bytes | str) -> Decoded:
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", errors="replace")
        replaced = text.count("\ufffd") > raw.decode("utf-8", errors="ignore").count("\ufffd")
    else:
        text, replaced = raw, False
    result = Decoded(text)
    if not text.strip():
        result.entries.append(Entry(Severity.ERROR, "not a config (empty)"))
        return result
    if replaced:
        result.entries.append(
            Entry(Severity.WARNING, "invalid UTF-8 in the config was replaced by U+FFFD")
        )
    try:
        result.tree = json.loads(
            text, object_pairs_hook=_object_from_pairs, parse_float=GoNumber, parse_int=_integer
        )
    except json.JSONDecodeError as err:
        result.entries.append(_explain_not_json(text, err, result.positions))
    return result


def _explain_not_json(text: str, err: json.JSONDecodeError, positions: PositionIndex) -> Entry:
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[")) and _YAML_KEY_LINE.search(text):
        if _BUTANE_VARIANT.search(text):
            message = (
                "this is a Butane config (YAML), not an Ignition config: transpile it first, "
                "e.g. `butane --pretty --strict config.bu > config.ign`"
            )
        else:
            message = "config is YAML, not JSON: Ignition configs are JSON (Butane transpiles YAML)"
        return Entry(Severity.ERROR, message)
    # Upstream points just past the offending byte.
    line, column = positions.line_col(min(err.pos + 1, len(text)))
    if err.msg == "Extra data":
        message = "invalid character after top-level value: trailing data after the config"
    else:
        message = f"invalid JSON: {err.msg}"
    return Entry(Severity.ERROR, message, None, line, column)
