"""Butane v0.29.0's variant registry (config/config.go): which Ignition spec each
variant version produces, and the fields a variant forbids (its FieldFilters)."""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

_KARGS = "kernel argument customization is not supported in this spec version"
_DISKS = "disk customization is not supported in this spec version"
_FILESYSTEMS = "filesystem customization is not supported in this spec version"
_LUKS = "luks is not supported in this spec version"
_RAID = "raid is not supported in this spec version"
_CLEVIS = "clevis is not supported in this spec version"
_CEX = "cex is not currently supported on the target platform"

# Ignition (JSON) paths a variant refuses, with Butane's message (r4e and fiot are
# edge devices without disk layout; Flatcar has no clevis, then no CEX).
_EDGE: Mapping[tuple[str, ...], str] = {
    ("kernelArguments",): _KARGS,
    ("storage", "disks"): _DISKS,
    ("storage", "filesystems"): _FILESYSTEMS,
    ("storage", "luks"): _LUKS,
    ("storage", "raid"): _RAID,
}
_NO_CLEVIS: Mapping[tuple[str, ...], str] = {("storage", "luks", "clevis"): _CLEVIS}
_NO_CEX: Mapping[tuple[str, ...], str] = {("storage", "luks", "cex"): _CEX}
_NONE: Mapping[tuple[str, ...], str] = {}


class Variant:
    """One registered variant version: the Ignition spec version it emits and the
    JSON paths it forbids (message per path)."""

    __slots__ = ("filters", "ignition", "name", "version")

    def __init__(
        self, name: str, version: str, ignition: str, filters: Mapping[tuple[str, ...], str]
    ) -> None:
        self.name, self.version, self.ignition, self.filters = name, version, ignition, filters


_TABLE: tuple[tuple[str, str, str, Mapping[tuple[str, ...], str]], ...] = (
    ("fcos", "1.0.0", "3.0.0", _NONE),
    ("fcos", "1.1.0", "3.1.0", _NONE),
    ("fcos", "1.2.0", "3.2.0", _NONE),
    ("fcos", "1.3.0", "3.2.0", _NONE),
    ("fcos", "1.4.0", "3.3.0", _NONE),
    ("fcos", "1.5.0", "3.4.0", _NONE),
    ("fcos", "1.6.0", "3.5.0", _NONE),
    ("fcos", "1.7.0", "3.6.0", _NONE),
    ("fcos", "1.8.0-experimental", "3.7.0-experimental", _NONE),
    ("flatcar", "1.0.0", "3.3.0", _NO_CLEVIS),
    ("flatcar", "1.1.0", "3.4.0", _NO_CLEVIS),
    ("flatcar", "1.2.0-experimental", "3.7.0-experimental", _NO_CEX),
    ("openshift", "4.8.0", "3.2.0", _NONE),
    ("openshift", "4.9.0", "3.2.0", _NONE),
    ("openshift", "4.10.0", "3.2.0", _NONE),
    ("openshift", "4.11.0", "3.2.0", _NONE),
    ("openshift", "4.12.0", "3.2.0", _NONE),
    ("openshift", "4.13.0", "3.2.0", _NONE),
    ("openshift", "4.14.0", "3.4.0", _NONE),
    ("openshift", "4.15.0", "3.4.0", _NONE),
    ("openshift", "4.16.0", "3.4.0", _NONE),
    ("openshift", "4.17.0", "3.4.0", _NONE),
    ("openshift", "4.18.0", "3.4.0", _NONE),
    ("openshift", "4.19.0", "3.5.0", _NONE),
    ("openshift", "4.20.0", "3.5.0", _NONE),
    ("openshift", "4.21.0", "3.5.0", _NONE),
    ("openshift", "4.22.0", "3.5.0", _NONE),
    ("openshift", "4.23.0-experimental", "3.7.0-experimental", _NONE),
    ("r4e", "1.0.0", "3.3.0", _EDGE),
    ("r4e", "1.1.0", "3.4.0", _EDGE),
    ("r4e", "1.2.0-experimental", "3.7.0-experimental", _EDGE),
    ("fiot", "1.0.0", "3.4.0", _EDGE),
    ("fiot", "1.1.0-experimental", "3.7.0-experimental", _EDGE),
)
VARIANTS: dict[tuple[str, str], Variant] = {
    (name, version): Variant(name, version, ignition, filters)
    for name, version, ignition, filters in _TABLE
}

NO_VARIANT = "error parsing variant; must be specified"
BAD_VERSION = "error parsing version; must be a valid semver"
RHCOS = (
    "rhcos variant has been removed; use openshift variant instead: "
    "https://coreos.github.io/butane/upgrading-openshift/"
)


def find_variant(variant: str, version: str) -> tuple[Variant | None, str | None]:
    """The registered variant version, or Butane's message refusing it."""
    from ..config.versions import Version

    if not variant:
        return None, NO_VARIANT
    parsed = Version.parse(version)
    if parsed is None:
        return None, BAD_VERSION
    found = VARIANTS.get((variant, str(parsed)))
    if found is not None:
        return found, None
    if variant == "rhcos" and str(parsed) == "0.1.0":
        return None, RHCOS
    return None, f"No translator exists for variant {variant} with version {parsed}"
