"""Text of one config -> typed model and a report of every problem in it."""

from __future__ import annotations

from collections.abc import Callable

from ..frozen import replace
from ..typecheck import TYPE_CHECKING
from .build import build
from .butane_text import looks_like_butane
from .decode import decode
from .model import Config
from .normalize import normalize
from .report import Entry, JsonPath, Report, Severity
from .schema_check import check_schema
from .semantics import check_semantics
from .translate import translate
from .version_check import detect_version
from .versions import V3_1, Version

if TYPE_CHECKING:
    from typing import Any


class Parsed:
    """What parsing a config gives: the report (errors and warnings with JSON paths and
    positions), the version the config declared (None if unreadable) and the config translated
    to the newest spec (None on errors). `user_data` names the kind of text that is user
    data for cloud-init, not a config ("a cloud-config", "a script", "a MIME multipart
    archive": Flatcar's patch 0011), else None; such a text is reported as an empty config."""

    __slots__ = ("config", "report", "user_data", "version")

    def __init__(
        self,
        report: Report | None = None,
        version: Version | None = None,
        config: Config | None = None,
    ) -> None:
        self.report = Report() if report is None else report
        self.version = version
        self.config = config
        self.user_data: str | None = None

    @property
    def user_data_note(self) -> str | None:
        """The info line a caller logs for cloud-init user data (never its contents)."""
        if self.user_data is None:
            return None
        return f"the user data is {self.user_data}, not an Ignition config: ignoring it"

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.report.has_errors


def parse_config(raw: bytes | str, files_dir: str | None = None) -> Parsed:
    """Decode, check and translate one config; never raises for bad input.

    Cloud-init user data is no config, as Flatcar's HandleParseErrors has it (upstream's
    ErrEmpty). A Butane YAML text (see butane_text) is translated to Ignition JSON first and
    its problems are reported on YAML paths and lines; `files_dir` is where its `local`
    references are read from (None, as at boot, refuses them)."""
    from ..user_data import cloud_init_kind

    result = Parsed()
    result.user_data = cloud_init_kind(
        raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    )
    if result.user_data is not None:
        result.report.add(Entry(Severity.ERROR, "not a config (empty)"))
        return result
    if looks_like_butane(raw):
        # bytes that are not UTF-8 stay escaped: the YAML reader refuses them as yaml.v3 does
        text = raw.decode("utf-8", "surrogateescape") if isinstance(raw, bytes) else raw
        return _parse_butane(text, files_dir)
    decoded = decode(raw)
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
    return _checked(decoded.tree, version, decoded.positions.place, result)


# The Butane front end sits above config (it translates into it, with config's schemas
# and reports): loaded by name when a text needs it, as providers/catalog.py loads
# platforms, so the JSON path never imports it (nor PyYAML).
BUTANE_FRONT = "ignition_py.butane.front"


def _parse_butane(text: str, files_dir: str | None) -> Parsed:
    import importlib

    translated = importlib.import_module(BUTANE_FRONT).translate_butane(text, files_dir)
    result = Parsed()
    result.report.extend(translated.entries)
    if translated.tree is None:
        return result
    version, problem = detect_version(translated.tree)
    if problem is not None or version is None:  # the variant table names known specs only
        if problem is not None:
            result.report.add(translated.place(problem))
        return result
    return _checked(translated.tree, version, translated.place, result)


def _checked(
    tree: Any, version: Version, place: Callable[[Entry], Entry], result: Parsed
) -> Parsed:
    result.version = version
    # What the 1/2.x rules said already: the 3.1 rules do not say it twice.
    seen: set[tuple[Severity, JsonPath | None, str]] = set()
    if version.major < 3:
        from .legacy.parse import parse_legacy  # here only: 3.x configs never load it

        tree, entries, origin = parse_legacy(tree, version)
        result.report.extend(place(e) for e in entries)
        if tree is None:
            return result
        seen = {(e.severity, e.path, e.message) for e in result.report}
        version, place = V3_1, _translated(place, origin)
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
        found = place(entry)
        if (found.severity, found.path, entry.message) not in seen:
            result.report.add(found)
    result.config = translate(config, version)
    return result


def _translated(
    place: Callable[[Entry], Entry], origin: Callable[[JsonPath], JsonPath | None]
) -> Callable[[Entry], Entry]:
    """Placing a problem of the 3.1 translation of a 1/2.x config: at the path of the 1/2.x
    text it came from, where there is one."""

    def placed(entry: Entry) -> Entry:
        message = f"in the config translated to spec 3.1: {entry.message}"
        source = origin(entry.path) if entry.path is not None else None
        if source is None:
            return replace(entry, message=message)
        return place(replace(entry, message=message, path=source))

    return placed
