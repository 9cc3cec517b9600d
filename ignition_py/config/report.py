"""Problems found in a config: severity, JSON path, position, message."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum

from ..frozen import frozen_model

PathPart = str | int
JsonPath = tuple[PathPart, ...]


class Severity(StrEnum):
    """A report entry's severity, spelled as upstream's report prints it: error, warning or
    info."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@frozen_model
class Entry:
    """One problem: severity, message, the JSON path it is about (None: the whole text),
    its 1-based line and column in the text when known, and whether it points at the key
    rather than the value."""

    severity: Severity
    message: str
    path: JsonPath | None = None
    line: int | None = None
    column: int | None = None
    # Where in the object the problem sits: the value (default) or the key itself.
    at_key: bool = False

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(format_path(self.path))
        if self.line is not None:
            where.append(f"line {self.line} col {self.column}")
        if not where:
            return f"{self.severity}: {self.message}"
        return f"{self.severity} at {', '.join(where)}: {self.message}"


def format_path(path: JsonPath) -> str:
    return "$" + "".join(f".{part}" for part in path)


class Report:
    """The problems of one config, in the order found (mutable: stages add to it)."""

    __slots__ = ("entries",)

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self.entries: list[Entry] = [] if entries is None else entries

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Report) and self.entries == other.entries

    def __repr__(self) -> str:
        return f"Report(entries={self.entries!r})"

    def add(self, entry: Entry) -> None:
        self.entries.append(entry)

    def error(self, message: str, path: JsonPath | None = None, *, at_key: bool = False) -> None:
        self.entries.append(Entry(Severity.ERROR, message, path, at_key=at_key))

    def warning(self, message: str, path: JsonPath | None = None, *, at_key: bool = False) -> None:
        self.entries.append(Entry(Severity.WARNING, message, path, at_key=at_key))

    def extend(self, entries: Iterable[Entry]) -> None:
        self.entries.extend(entries)

    @property
    def has_errors(self) -> bool:
        return any(e.severity is Severity.ERROR for e in self.entries)

    def errors(self) -> list[Entry]:
        return [e for e in self.entries if e.severity is Severity.ERROR]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.entries)
