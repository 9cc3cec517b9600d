"""Reading the sugar sections of a YAML tree: types, unknown keys, problems with YAML paths."""

from __future__ import annotations

from ignition_py.butane.sugar import messages
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

Path = tuple[str | int, ...]
Problem = tuple[str, Path, str]

_YAML11_BOOLS = {word: True for word in ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON")} | {
    word: False for word in ("n", "N", "no", "No", "NO", "off", "Off", "OFF")
}


# Butane's steps, in order: YAML decoding (type mismatches), the unused-key pass, the
# top-level Config.Validate, the validator's walk of the fields, translation, field filters.
STEPS = ("decode", "unused", "config", "validate", "translate", "filter")


class Reader:
    """Collects problems, each tagged with the Butane step that reports it, while reading
    plain YAML data (dicts, lists, scalars)."""

    __slots__ = ("found", "step")

    def __init__(self) -> None:
        self.found: list[tuple[str, Problem]] = []
        self.step = "validate"

    def ordered(self) -> tuple[list[Problem], list[str]]:
        """(problems, their steps) in Butane's order: by step, then as added."""
        ranked = sorted(self.found, key=lambda item: STEPS.index(item[0]))
        return [problem for _, problem in ranked], [step for step, _ in ranked]

    def add(self, step: str, problem: Problem) -> None:
        self.found.append((step, problem))

    def error(self, path: Path, message: str) -> None:
        self.add(self.step, ("error", path, message))

    def warn(self, path: Path, message: str) -> None:
        self.add(self.step, ("warning", path, message))

    def has_errors(self) -> bool:
        return any(problem[0] == "error" for _, problem in self.found)

    def mapping(self, value: object, path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
        """A mapping with only ``keys`` read; other keys get Butane's unused-key warning."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add("decode", _not_a(path, _yaml_tag(value), "a mapping"))
            return {}
        for key in value:
            if key not in keys:
                message = messages.UNUSED_KEY.format(key)
                self.add("unused", ("warning", (*path, str(key)), message))
        return {key: value[key] for key in keys if key in value}

    def sequence(self, value: object, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add("decode", _not_a(path, _yaml_tag(value), "a sequence"))
            return []
        return value

    def string(self, value: object, path: Path) -> str | None:
        # Go's YAML decoder reads any scalar into a string field.
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        self.add("decode", _not_a(path, _yaml_tag(value), "string"))
        return None

    def boolean(self, value: object, path: Path) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        # Go's YAML decoder reads YAML 1.1's words into a bool field, quoted or not.
        if isinstance(value, str) and value in _YAML11_BOOLS:
            return _YAML11_BOOLS[value]
        self.add("decode", _not_a(path, _yaml_tag(value), "bool"))
        return None

    def integer(self, value: object, path: Path) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        # Go's YAML decoder truncates a float that fits into an int field.
        if isinstance(value, float) and abs(value) < 2**63:
            return int(value)
        self.add("decode", _not_a(path, _yaml_tag(value), "int"))
        return None

    def strings(self, value: object, path: Path) -> list[str]:
        out = []
        for i, item in enumerate(self.sequence(value, path)):
            text = self.string(item, (*path, i))
            out.append(text if text is not None else "")
        return out


def _not_a(path: Path, tag: str, wanted: str) -> Problem:
    return ("error", path, messages.NOT_A.format(tag, wanted))


def _yaml_tag(value: object) -> str:
    # The scalar's text is rebuilt from the value (yaml.v3 shows the source text: 1e3 and
    # 0x10 read back as 1000.0 and 16 here).
    if isinstance(value, bool):
        return f"!!bool {_shown(str(value).lower())}"
    if isinstance(value, int):
        return f"!!int {_shown(str(value))}"
    if isinstance(value, float):
        return f"!!float {_shown(repr(value))}"
    if isinstance(value, str):
        return f"!!str {_shown(value)}"
    if isinstance(value, list):
        return "!!seq"
    return "!!map"


def _shown(text: str) -> str:
    """yaml.v3's terror: a scalar longer than 10 bytes is cut to its first 7 and "..." (so
    a secret in a mistyped field is not printed whole)."""
    raw = text.encode()
    if len(raw) > 10:
        return f"`{raw[:7].decode(errors='replace')}...`"
    return f"`{text}`"


def dict_at(tree: object, *keys: str) -> dict[str, Any]:
    """tree[k1][k2]... when every step is a mapping; else {}."""
    node = tree
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def dicts_at(tree: object, *keys: str) -> list[tuple[int, dict[str, Any]]]:
    """The (index, entry) mappings of the list at tree[k1]...[kn]; non-mapping entries skipped."""
    *head, last = keys
    node = dict_at(tree, *head).get(last)
    if not isinstance(node, list):
        return []
    return [(i, entry) for i, entry in enumerate(node) if isinstance(entry, dict)]
