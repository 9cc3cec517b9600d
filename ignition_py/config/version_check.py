"""Find and judge `ignition.version` (or spec 1's `ignitionVersion`) before anything else is
read. Spec 1 and 2.0-2.4 are Flatcar's older formats (config/legacy)."""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING
from .decode import go_kind
from .report import Entry, Severity
from .versions import KNOWN_VERSIONS, LEGACY_2X, NEWEST, SPEC_1, Version

if TYPE_CHECKING:
    from typing import Any

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
    if tree is None:
        return None, Entry(Severity.ERROR, INVALID_VERSION)
    if not isinstance(tree, dict):
        return None, _go_type_error(tree, "Go value of type util.versionStub", None)
    ignition = _get_folded(tree, "ignition")
    if ignition is not None and not isinstance(ignition, dict):
        stub = "Go struct field versionStub.Ignition of type struct { Version string }"
        return None, _go_type_error(ignition, stub, ("ignition",))
    raw = _get_folded(ignition, "version") if isinstance(ignition, dict) else None
    if raw is None or raw == "":
        spec1 = _get_folded(tree, "ignitionversion")
        if spec1 is not None:
            return _spec1_version(spec1)
    if raw is None:
        return None, Entry(Severity.ERROR, INVALID_VERSION)
    if not isinstance(raw, str):
        return None, _go_type_error(raw, "Go struct field .Ignition.Version of type string", path)
    version = Version.parse(raw)
    if version is None:
        return None, Entry(Severity.ERROR, INVALID_VERSION, path)
    if version in KNOWN_VERSIONS or version in LEGACY_2X:
        return version, None
    if version.major == 2:
        message = f"{UNKNOWN_VERSION} {raw}: spec 2.x means 2.0.0 to 2.4.0"
    elif version.major == 1:
        message = f'{UNKNOWN_VERSION} {raw}: a spec 1 config says `"ignitionVersion": 1` instead'
    elif version > NEWEST and not version.build:
        known = ", ".join(str(v) for v in KNOWN_VERSIONS)
        message = f"{UNKNOWN_VERSION} {raw}: newer than this ignition-py knows ({known})"
    else:
        message = f"{UNKNOWN_VERSION} {raw}"
    return None, Entry(Severity.ERROR, message, path)


def _spec1_version(value: Any) -> tuple[Version | None, Entry | None]:
    # Flatcar (patch 0010) reads `ignitionVersion` when `ignition.version` is empty.
    path = ("ignitionVersion",)
    if isinstance(value, bool) or not isinstance(value, int):
        target = "Go struct field versionStub.IgnitionVersion of type int"
        return None, _go_type_error(value, target, path)
    if value == 1:
        return SPEC_1, None
    return None, Entry(Severity.ERROR, f"{UNKNOWN_VERSION} {value}: spec 1 is the only one", path)


def _go_type_error(value: Any, target: str, path: tuple[str, ...] | None) -> Entry:
    return Entry(Severity.ERROR, f"json: cannot unmarshal {go_kind(value)} into {target}", path)
