"""One spec 1 or 2.x config tree -> a spec 3.1 tree, the way Flatcar's Ignition v2.26.0
reads it (patch 0004): validate as its declared version, upgrade to 2.4, check and
translate to 3.1. The caller goes on with the 3.x pipeline."""

from __future__ import annotations

from collections.abc import Callable

from ...typecheck import TYPE_CHECKING
from ..report import Entry, JsonPath, Severity
from ..versions import SPEC_1, Version
from .check import check_translatable, filesystem_paths
from .decode import decode_tree
from .paths import origin
from .rules import check_rules
from .spec1 import PathMap, from_spec1, spec1_path
from .upgrade import upgrade
from .v24tov31 import translate_v24

if TYPE_CHECKING:
    from typing import Any

Origin = Callable[[JsonPath], "JsonPath | None"]


def parse_legacy(
    tree: dict[str, Any], version: Version
) -> tuple[dict[str, Any] | None, list[Entry], Origin]:
    """(spec 3.1 tree or None on errors, entries with paths into `tree`, the function that
    gives the path in `tree` a value of the 3.1 tree came from, None if none). `version` is SPEC_1
    or one of LEGACY_2X. Errors: Go's type errors (all of them), then every 2.x rule broken,
    then what stops the translation; warnings are kept."""
    moved: PathMap = {}
    if version == SPEC_1:
        decoded, entries = decode_tree(tree, 0, "V1Config")
        if _has_errors(entries):
            return None, entries, _nowhere
        as20, moved = from_spec1(decoded)
        for entry in check_rules(as20, 0):
            entries.append(_moved(entry, spec1_path(moved, entry.path or ())))
        minor = 0
        declared = as20
    else:
        minor = version.minor
        declared, entries = decode_tree(tree, minor)
        if _has_errors(entries):
            return None, entries, _nowhere
        entries.extend(check_rules(declared, minor))
    if _has_errors(entries):
        return None, entries, _nowhere
    newest = upgrade(declared, minor)
    paths = filesystem_paths(newest.get("storage", {}))
    problems = check_translatable(newest, paths)
    if version == SPEC_1:
        problems = [_moved(e, spec1_path(moved, e.path or ())) for e in problems]
    if problems:
        # Flatcar stops at the first; we name them all.
        return None, [*entries, *problems], _nowhere

    def back(path: JsonPath) -> JsonPath | None:
        found = origin(newest, path)
        return spec1_path(moved, found) if found is not None and version == SPEC_1 else found

    return translate_v24(newest, paths), entries, back


def _nowhere(path: JsonPath) -> JsonPath | None:
    return None


def _has_errors(entries: list[Entry]) -> bool:
    return any(e.severity is Severity.ERROR for e in entries)


def _moved(entry: Entry, path: tuple[str | int, ...]) -> Entry:
    return Entry(entry.severity, entry.message, path or None, at_key=entry.at_key)
