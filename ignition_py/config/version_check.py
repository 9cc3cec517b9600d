"""Find and judge `ignition.version` before anything else is read."""

from __future__ import annotations

from typing import Any

from .report import Entry, Severity
from .versions import KNOWN_VERSIONS, NEWEST, Version

INVALID_VERSION = "invalid config version (couldn't parse)"
UNKNOWN_VERSION = "unsupported config version"


def _get_folded(obj: dict[str, Any], key: str) -> Any:
    found = None
    for k, v in obj.items():
        if k.casefold() == key:
            found = v
    return found


def detect_version(tree: Any) -> tuple[Version | None, Entry | None]:
    """The config's spec version, or the error that says why there is none we can read."""
    path = ("ignition", "version")
    if not isinstance(tree, dict):
        return None, Entry(Severity.ERROR, "config is not a JSON object")
    if _get_folded(tree, "ignitionversion") is not None:
        return None, Entry(
            Severity.ERROR,
            f"{UNKNOWN_VERSION}: this is a spec 1 config (ignitionVersion); spec 1.x is not "
            "supported, translate it to spec 3 first",
            ("ignitionVersion",),
            at_key=True,
        )
    ignition = _get_folded(tree, "ignition")
    raw = _get_folded(ignition, "version") if isinstance(ignition, dict) else None
    if not isinstance(raw, str):
        return None, Entry(Severity.ERROR, INVALID_VERSION, path if raw is not None else None)
    version = Version.parse(raw)
    if version is None:
        return None, Entry(Severity.ERROR, INVALID_VERSION, path)
    if version in KNOWN_VERSIONS:
        return version, None
    if version.major in (1, 2):
        message = (
            f"{UNKNOWN_VERSION} {raw}: spec {version.major}.x is not supported, only spec 3.x; "
            "translate it first (e.g. with ign-converter)"
        )
    elif version > NEWEST and not version.build:
        known = ", ".join(str(v) for v in KNOWN_VERSIONS)
        message = f"{UNKNOWN_VERSION} {raw}: newer than this ignition-py knows ({known})"
    else:
        message = f"{UNKNOWN_VERSION} {raw}"
    return None, Entry(Severity.ERROR, message, path)
