"""Text of one config -> typed model and a report of every problem in it."""

from __future__ import annotations

from ..frozen import replace
from ..typecheck import TYPE_CHECKING
from .build import build
from .decode import decode
from .model import Config
from .normalize import normalize
from .report import Entry, Report
from .schema_check import check_schema
from .semantics import check_semantics
from .translate import translate
from .version_check import detect_version
from .versions import V3_1, Version

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Parsed:
    """What parsing a config gives: the report (errors and warnings with JSON paths and
    positions), the version the config declared (None if unreadable) and the config translated
    to the newest spec (None on errors)."""

    __slots__ = ("config", "report", "version")

    def __init__(
        self,
        report: Report | None = None,
        version: Version | None = None,
        config: Config | None = None,
    ) -> None:
        self.report = Report() if report is None else report
        self.version = version
        self.config = config

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.report.has_errors


def parse_config(raw: bytes | str) -> Parsed:
    """Decode, check and translate one config; never raises for bad input."""
    decoded = decode(raw)
    result = Parsed()
    result.report.extend(decoded.entries)
    if not decoded.ok:
        return result
    version, problem = detect_version(decoded.tree)
    if problem is not None or version is None:
        if problem is not None:
            entry = decoded.positions.place(problem)
            if isinstance(decoded.tree, list) and entry.line is None:
                # Go names no path for a config that is an array, but the place: just
                # inside its bracket.
                where = decoded.positions.locate(())
                if where is not None:
                    entry = replace(entry, line=where[0], column=where[1])
            result.report.add(entry)
        return result
    result.version = version
    tree = decoded.tree
    place = decoded.positions.place
    if version.major < 3:
        tree = _from_legacy(tree, version, result.report, place)
        if tree is None:
            return result
        version, place = V3_1, _translated
    key_warnings = Report()
    canonical = normalize(tree, Config, version, key_warnings)
    schema_errors = check_schema(canonical, version)
    if schema_errors:
        # Upstream stops at a value of the wrong type (Go's decoder fails): no rules, no
        # unused keys. We name every such value, in the order of the text.
        placed = [place(e) for e in schema_errors]
        for entry in sorted(placed, key=lambda e: (e.line or 0, e.column or 0)):
            result.report.add(entry)
        return result
    config = build(Config, canonical)
    # Upstream's order: the rules first, then keys it did not use.
    for entry in [*check_semantics(config, version), *key_warnings]:
        result.report.add(place(entry))
    result.config = translate(config, version)
    return result


def _from_legacy(
    tree: Any, version: Version, report: Report, place: Callable[[Entry], Entry]
) -> dict[str, Any] | None:
    """A spec 1/2.x tree -> its spec 3.1 tree (None on errors); problems go to `report`,
    placed in the original text. Imported here only: 3.x configs never load it."""
    from .legacy.parse import parse_legacy

    translated, entries = parse_legacy(tree, version)
    for entry in entries:
        report.add(place(entry))
    return translated


def _translated(entry: Entry) -> Entry:
    # A problem of the 3.1 translation of a 1/2.x config: its path is not in the text.
    return replace(entry, message=f"in the config translated to spec 3.1: {entry.message}")
