"""Bytes to a JSON tree, decoding as leniently as upstream's Go decoder does.

Go's decoder replaces invalid UTF-8 with U+FFFD, and lets the last of duplicate keys win;
so do we, with a warning. Text that is not JSON at all gets an answer that says what
it looks like (YAML that is not a Butane config, an Ignition 2.x config, nothing)
instead of a parse error.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable

from ..typecheck import TYPE_CHECKING
from .butane_text import has_variant_key
from .go_json_syntax import MAX_NESTING_DEPTH, syntax_error
from .positions import PositionIndex
from .report import Entry, Severity
from .surrogates import SURROGATE_ESCAPE, as_go_reads

if TYPE_CHECKING:
    from typing import Any, TypeVar

    _T = TypeVar("_T")

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


class DuplicateKeys(dict[str, "Any"]):
    """A JSON object that had repeated keys; insertion order follows the last occurrence."""

    duplicated: tuple[str, ...] = ()


class Decoded:
    """The JSON tree of a text (None when it is not JSON), what decoding found, and where
    each value sits in the text."""

    __slots__ = ("entries", "positions", "text", "tree")

    def __init__(self, text: str, tree: Any = None, entries: list[Entry] | None = None) -> None:
        self.text = text
        self.tree = tree
        self.entries: list[Entry] = [] if entries is None else entries
        self.positions = PositionIndex(text)

    @property
    def ok(self) -> bool:
        return not any(e.severity is Severity.ERROR for e in self.entries)


# a pattern, compiled (and cached by re) at its first use: most runs never need it
_YAML_KEY_LINE = r"(?m)^\s*(?:---\s*$|#|[A-Za-z_][\w.-]*\s*:(?:\s|$))"


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


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python reads NaN and Infinity; Go does not


# Go's decoder nests up to 10000 levels; Python's json recursion stops near 1000. Deeper
# text is read again on a thread with room for Go's limit (rare, so the cost is fine).
_DEEP_RECURSION_LIMIT = 6 * MAX_NESTING_DEPTH
_DEEP_STACK_BYTES = 64 << 20  # 10000 levels take about 8 MiB


def _with_deep_stack(work: Callable[[], _T]) -> _T:
    """Run `work` where Go's nesting depth does not overflow the stack (exceptions pass)."""
    import threading

    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as err:  # handed to the caller below
            outcome.append((False, err))

    old_limit, old_stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
    try:
        worker = threading.Thread(target=run, name="deep-json")
        threading.stack_size(_DEEP_STACK_BYTES)  # read when the thread starts
        try:
            worker.start()
        finally:
            threading.stack_size(old_stack)
        worker.join()
    except RuntimeError as err:  # no thread (memory): say the text is too deep for us
        raise RecursionError(str(err)) from err
    finally:
        sys.setrecursionlimit(old_limit)
    ok, value = outcome[0]
    if not ok:
        raise value
    result: _T = value
    return result


def _go_surrogates(tree: Any) -> Any:
    """The decoded tree with Go's reading of escaped lone surrogates (U+FFFD), in place."""
    fix = as_go_reads
    if isinstance(tree, str):
        return fix(tree)
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    node[i] = fix(item)
                else:
                    stack.append(item)
        elif isinstance(node, dict):
            duplicated = getattr(node, "duplicated", ())
            items = list(node.items())
            node.clear()
            for key, value in items:
                node[fix(key)] = fix(value) if isinstance(value, str) else value
                if not isinstance(value, str):
                    stack.append(value)
            if duplicated:
                node.duplicated = tuple(fix(k) for k in duplicated)  # type: ignore[attr-defined]
    return tree


def _loads(text: str) -> Any:
    return json.loads(
        text,
        object_pairs_hook=_object_from_pairs,
        parse_float=GoNumber,
        parse_int=_integer,
        parse_constant=_no_constants,
    )


def decode(raw: bytes | str) -> Decoded:
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", errors="replace")
        replaced = text.count("\ufffd") > raw.decode("utf-8", errors="ignore").count("\ufffd")
    else:
        text, replaced = raw, False
    result = Decoded(text)
    if not text:
        result.entries.append(Entry(Severity.ERROR, "not a config (empty)"))
        return result
    if replaced:
        result.entries.append(
            Entry(Severity.WARNING, "invalid UTF-8 in the config was replaced by U+FFFD")
        )
    try:
        try:
            tree = _loads(text)
        except RecursionError:
            # Go's scanner checks the whole text (its depth limit included) first.
            if _with_deep_stack(lambda: syntax_error(_scanned(raw, text))) is not None:
                raise ValueError("not JSON for Go") from None
            tree = _with_deep_stack(lambda: _loads(text))
    except ValueError:  # JSONDecodeError included
        result.entries.extend(_explain_not_json(raw, text, result.positions))
        return result
    except RecursionError:
        result.entries.append(Entry(Severity.ERROR, _TOO_DEEP))
        return result
    result.tree = _go_surrogates(tree) if SURROGATE_ESCAPE.search(text) else tree
    return result


_TOO_DEEP = "invalid JSON: nested deeper than this machine can read"


def _scanned(raw: bytes | str, text: str) -> str:
    # Go scans bytes: a byte of a multi-byte character is quoted on its own.
    return raw.decode("latin-1") if isinstance(raw, bytes) else text


def _explain_not_json(raw: bytes | str, text: str, positions: PositionIndex) -> list[Entry]:
    """Go's syntax error (its words, at the character after the offending byte), and a
    hint when the text is YAML."""
    try:
        try:
            found = syntax_error(_scanned(raw, text))
        except RecursionError:
            found = _with_deep_stack(lambda: syntax_error(_scanned(raw, text)))
    except RecursionError:
        return [Entry(Severity.ERROR, _TOO_DEEP)]
    if found is None:  # what Python refused, Go reads: say what Python said
        return [Entry(Severity.ERROR, "invalid JSON")]
    index, message = found
    if isinstance(raw, bytes):
        index = len(raw[:index].decode("utf-8", errors="replace"))
    line, column = positions.line_col(min(index + 1, len(text)))
    entries = [Entry(Severity.ERROR, message, None, line, column)]
    stripped = text.lstrip()
    looks_like_text = "\x00" not in text and "\ufffd" not in text
    if looks_like_text and not stripped.startswith(("{", "[")) and re.search(_YAML_KEY_LINE, text):
        if has_variant_key(text):
            # A top-level `variant:` would have made it a Butane config (butane_text.py).
            hint = (
                "this looks like a Butane config (YAML), but its `variant:` is not a "
                "top-level key: Butane configs are read when it is"
            )
        else:
            hint = "config is YAML, not JSON: Ignition configs are JSON (Butane transpiles YAML)"
        entries.append(Entry(Severity.WARNING, hint))
    return entries
