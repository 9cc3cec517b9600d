"""Text of one config -> typed model and a report of every problem in it."""

from __future__ import annotations

from ..frozen import replace
from .build import build
from .decode import decode
from .model import Config
from .normalize import normalize
from .report import Entry, Report, Severity
from .schema_check import check_schema
from .semantics import check_semantics
from .translate import translate
from .version_check import detect_version
from .versions import Version


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


def parse_config(raw: bytes | str) -> Parsed:
    """Decode, check and translate one config; never raises for bad input. Cloud-init user
    data is no config, as Flatcar's HandleParseErrors has it (upstream's ErrEmpty)."""
    from ..user_data import cloud_init_kind

    result = Parsed()
    result.user_data = cloud_init_kind(
        raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace")
    )
    if result.user_data is not None:
        result.report.add(Entry(Severity.ERROR, "not a config (empty)"))
        return result
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
    result.version = version
    key_warnings = Report()
    canonical = normalize(decoded.tree, Config, version, key_warnings)
    schema_errors = check_schema(canonical, version)
    if schema_errors:
        # Upstream stops at a value of the wrong type (Go's decoder fails): no rules, no
        # unused keys. We name every such value, in the order of the text.
        placed = [decoded.positions.place(e) for e in schema_errors]
        for entry in sorted(placed, key=lambda e: (e.line or 0, e.column or 0)):
            result.report.add(entry)
        return result
    config = build(Config, canonical)
    # Upstream's order: the rules first, then keys it did not use.
    for entry in [*check_semantics(config, version), *key_warnings]:
        result.report.add(decoded.positions.place(entry))
    result.config = translate(config, version)
    return result
