"""Reading the sugar sections of a YAML tree: types, unknown keys, problems with YAML paths."""

from __future__ import annotations

from typing import Any

from ignition_py.butane.sugar import messages

Path = tuple[str | int, ...]
Problem = tuple[str, Path, str]

_YAML11_BOOLS = {word: True for word in ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON")} | {
    word: False for word in ("n", "N", "no", "No", "NO", "off", "Off", "OFF")
}


class Reader:
    """Collects problems while reading plain YAML data (dicts, lists, scalars)."""

    __slots__ = ("problems", "unused")

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Butane checks for unused keys in a pass of its own, before validation.
        self.unused: list[Problem] = []

    def ordered(self) -> list[Problem]:
        """Every problem in Butane's order: unused keys, then the rest as added."""
        return self.unused + self.problems

    def error(self, path: Path, message: str) -> None:
        self.problems.append(("error", path, message))

    def warn(self, path: Path, message: str) -> None:
        self.problems.append(("warning", path, message))

    def has_errors(self) -> bool:
        return any(severity == "error" for severity, _, _ in self.problems)

    def mapping(self, value: object, path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
        """A mapping with only ``keys`` read; other keys get Butane's unused-key warning."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(path, messages.NOT_A.format(_yaml_tag(value), "a mapping"))
            return {}
        for key in value:
            if key not in keys:
                self.unused.append(("warning", (*path, str(key)), messages.UNUSED_KEY.format(key)))
        return {key: value[key] for key in keys if key in value}

    def sequence(self, value: object, path: Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, messages.NOT_A.format(_yaml_tag(value), "a sequence"))
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
        self.error(path, messages.NOT_A.format(_yaml_tag(value), "string"))
        return None

    def boolean(self, value: object, path: Path) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        # Go's YAML decoder reads YAML 1.1's words into a bool field, quoted or not.
        if isinstance(value, str) and value in _YAML11_BOOLS:
            return _YAML11_BOOLS[value]
        self.error(path, messages.NOT_A.format(_yaml_tag(value), "bool"))
        return None

    def integer(self, value: object, path: Path) -> int | None:
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        # Go's YAML decoder truncates a float that fits into an int field.
        if isinstance(value, float) and abs(value) < 2**63:
            return int(value)
        self.error(path, messages.NOT_A.format(_yaml_tag(value), "int"))
        return None

    def strings(self, value: object, path: Path) -> list[str]:
        out = []
        for i, item in enumerate(self.sequence(value, path)):
            text = self.string(item, (*path, i))
            out.append(text if text is not None else "")
        return out


def _yaml_tag(value: object) -> str:
    if isinstance(value, bool):
        return f"!!bool `{str(value).lower()}`"
    if isinstance(value, int):
        return f"!!int `{value}`"
    if isinstance(value, float):
        return f"!!float `{value}`"
    if isinstance(value, str):
        return f"!!str `{value}`"
    if isinstance(value, list):
        return "!!seq"
    return "!!map"


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
