"""Collects what the semantic rules find, with the spec version they apply to."""

from __future__ import annotations

from ..report import Entry, JsonPath, Severity
from ..versions import Version


class Problems:
    __slots__ = ("entries", "version")

    def __init__(self, version: Version, entries: list[Entry] | None = None) -> None:
        self.version = version
        self.entries: list[Entry] = [] if entries is None else entries

    def error(self, path: JsonPath, message: str | None) -> None:
        """Record an error; a None message (a check that passed) records nothing."""
        if message is not None:
            self.entries.append(Entry(Severity.ERROR, message, path))

    def warning(self, path: JsonPath, message: str | None) -> None:
        if message is not None:
            self.entries.append(Entry(Severity.WARNING, message, path))

    def since(self, version: Version) -> bool:
        return self.version.at_least(version)
