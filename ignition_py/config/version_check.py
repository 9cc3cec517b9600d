"""Find and judge `ignition.version` before anything else is read."""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING
from .decode import go_kind
from .report import Entry, Severity
from .versions import KNOWN_VERSIONS, NEWEST, Version

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
    if _get_folded(tree, "ignitionversion") is not None:
        return None, Entry(
            Severity.ERROR,
            f"{UNKNOWN_VERSION}: this is a spec 1 config (ignitionVersion); spec 1.x is not "
            "supported, translate it to spec 3 first",
            ("ignitionVersion",),
            at_key=True,
        )
    ignition = _get_folded(tree, "ignition")
    if ignition is not None and not isinstance(ignition, dict):
        stub = "Go struct field versionStub.Ignition of type struct { Version string }"
        return None, _go_type_error(ignition, stub, ("ignition",))
    raw = _get_folded(ignition, "version") if isinstance(ignition, dict) else None
    if raw is None:
        return None, Entry(Severity.ERROR, INVALID_VERSION)
    if not isinstance(raw, str):
        return None, _go_type_error(raw, "Go struct field .Ignition.Version of type string", path)
    version = Version.parse(raw)
    if version is None:
        return None, Entry(Severity.ERROR, INVALID_VERSION, path)
    if version in KNOWN_VERSIONS:
        return version, None
    if version.major == 2:
        message = (
            f"{UNKNOWN_VERSION} {raw}: spec 2.x is not supported, only spec 3.x; "
            "translate it first (e.g. with ign-converter)"
        )
    elif version.major == 1:
        message = f"{UNKNOWN_VERSION} {raw}: spec 1.x is not supported, only spec 3.x"
    elif version > NEWEST and not version.build:
        known = ", ".join(str(v) for v in KNOWN_VERSIONS)
        message = f"{UNKNOWN_VERSION} {raw}: newer than this ignition-py knows ({known})"
    else:
        message = f"{UNKNOWN_VERSION} {raw}"
    return None, Entry(Severity.ERROR, message, path)


def _go_type_error(value: Any, target: str, path: tuple[str, ...] | None) -> Entry:
    return Entry(Severity.ERROR, f"json: cannot unmarshal {go_kind(value)} into {target}", path)
