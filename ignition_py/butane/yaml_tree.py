"""A YAML text as composed nodes with positions, scalars read as Go's yaml.v3 reads them.

PyYAML composes the document (YAML 1.1 syntax, which Butane's YAML 1.2 texts share); the
implicit typing of scalars is done here instead, as yaml.v3 resolves a plain scalar
(YAML 1.2 core schema, Go's integer syntax), since PyYAML's 1.1 rules read `yes`, `0o644`
or `1_000` differently. Lines and columns are 1-based, columns count characters.
"""

from __future__ import annotations

import math
import re

import yaml

from ..typecheck import TYPE_CHECKING
from .yaml_timestamp import is_timestamp

if TYPE_CHECKING:
    from typing import Any

Path = tuple[str | int, ...]

NULL, BOOL, INT, FLOAT, STR, MAP, SEQ = "null", "bool", "int", "float", "str", "map", "seq"
BINARY = "binary"  # a !!binary scalar: value is the decoded bytes as UTF-8 (surrogateescape)
TIMESTAMP = "timestamp"  # value is the text (a string field takes it as is)
# A scalar with another tag has the tag as its kind ("!!merge", "!foo"), its text as value.

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_GO_INT = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)")
_YAML_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf,
    "+.Inf": math.inf, "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf,
    "-.INF": -math.inf, ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}  # fmt: skip
_INT64 = (-(1 << 63), (1 << 63) - 1)
_UINT64_DIGITS = 20


class YamlError(Exception):
    """The text is not YAML: message and 1-based line (column when known)."""

    def __init__(self, message: str, line: int | None, column: int | None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class Node:
    """One YAML node: kind (null/bool/int/float/str/map/seq), its value (Python data for
    scalars; list of (key text, key node, value node) for maps; list of nodes for
    sequences), the scalar's text, and where it starts."""

    __slots__ = ("column", "kind", "line", "text", "value")

    def __init__(self, kind: str, value: Any, text: str, line: int, column: int) -> None:
        self.kind, self.value, self.text, self.line, self.column = kind, value, text, line, column


class MergedKey(Node):
    """The key of a pair that a merge key (`<<`) brought into a mapping: yaml.v3 decodes
    it but Butane does not report it when unused."""

    __slots__ = ()


def resolve_plain(text: str) -> tuple[str, Any]:
    """yaml.v3's reading of a plain (unquoted, untagged) scalar: (kind, value)."""
    if text in _NULLS:
        return NULL, None
    if text in _TRUE:
        return BOOL, True
    if text in _FALSE:
        return BOOL, False
    if text[:1].isdigit() and is_timestamp(text):
        return TIMESTAMP, text
    if text and text[0] in "+-.0123456789":
        digits = text.replace("_", "")
        if _GO_INT.fullmatch(digits):
            sign = -1 if digits[0] == "-" else 1
            body = digits.lstrip("+-")
            if len(body) > 1 and body[0] == "0" and body[1] in "0123456789":
                number = int(body, 8)
            elif body[0] in "123456789" and len(body) > _UINT64_DIGITS:
                number = 1 << 64  # too big anyway; int() refuses over 4300 decimal digits
            else:
                number = int(body, 0)
            number *= sign
            # Go's ParseInt, then ParseUint: an !!int up to 2**64-1 (too big for an int
            # field, which says so), a float beyond
            if _INT64[0] <= number < 1 << 64:
                return INT, number
        if _YAML_FLOAT.fullmatch(digits) and not math.isinf(float(digits)):
            # Go's ParseFloat fails with ErrRange past float64: yaml.v3 keeps a string
            return FLOAT, float(digits)
        if text in _SPECIAL_FLOATS:
            return FLOAT, _SPECIAL_FLOATS[text]
    return STR, text


TAG_KINDS = {
    "tag:yaml.org,2002:str": STR,
    "tag:yaml.org,2002:null": NULL,
    "tag:yaml.org,2002:bool": BOOL,
    "tag:yaml.org,2002:int": INT,
    "tag:yaml.org,2002:float": FLOAT,
    "tag:yaml.org,2002:timestamp": TIMESTAMP,
}


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


PLAIN_TAG = "tag:ignition-py:plain"  # an untagged plain scalar, resolved by resolve_plain


def shown_kind(kind: str) -> str:
    """A node's kind as yaml.v3 names its tag in messages: !!int, !!timestamp, !foo."""
    return kind if kind.startswith("!") else f"!!{kind}"


class Composer(_BaseLoader):  # type: ignore[misc,valid-type]
    """A loader (libyaml's when present) whose implicit resolution is switched off: an
    untagged plain scalar comes out tagged PLAIN_TAG (so an explicit !!str stays apart),
    and we resolve it ourselves."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return PLAIN_TAG
        return super().resolve(kind, value, implicit)


Composer.yaml_implicit_resolvers = {}
