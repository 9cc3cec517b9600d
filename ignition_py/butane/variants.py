"""Butane v0.29.0's variant registry (config/config.go): which Ignition spec each
variant version produces (the fields a variant forbids: sugar/variant_filters.py)."""

from __future__ import annotations


class Variant:
    """One registered variant version and the Ignition spec version it emits."""

    __slots__ = ("ignition", "name", "version")

    def __init__(self, name: str, version: str, ignition: str) -> None:
        self.name, self.version, self.ignition = name, version, ignition


_TABLE: tuple[tuple[str, str, str], ...] = (
    ("fcos", "1.0.0", "3.0.0"),
    ("fcos", "1.1.0", "3.1.0"),
    ("fcos", "1.2.0", "3.2.0"),
    ("fcos", "1.3.0", "3.2.0"),
    ("fcos", "1.4.0", "3.3.0"),
    ("fcos", "1.5.0", "3.4.0"),
    ("fcos", "1.6.0", "3.5.0"),
    ("fcos", "1.7.0", "3.6.0"),
    ("fcos", "1.8.0-experimental", "3.7.0-experimental"),
    ("flatcar", "1.0.0", "3.3.0"),
    ("flatcar", "1.1.0", "3.4.0"),
    ("flatcar", "1.2.0-experimental", "3.7.0-experimental"),
    ("openshift", "4.8.0", "3.2.0"),
    ("openshift", "4.9.0", "3.2.0"),
    ("openshift", "4.10.0", "3.2.0"),
    ("openshift", "4.11.0", "3.2.0"),
    ("openshift", "4.12.0", "3.2.0"),
    ("openshift", "4.13.0", "3.2.0"),
    ("openshift", "4.14.0", "3.4.0"),
    ("openshift", "4.15.0", "3.4.0"),
    ("openshift", "4.16.0", "3.4.0"),
    ("openshift", "4.17.0", "3.4.0"),
    ("openshift", "4.18.0", "3.4.0"),
    ("openshift", "4.19.0", "3.5.0"),
    ("openshift", "4.20.0", "3.5.0"),
    ("openshift", "4.21.0", "3.5.0"),
    ("openshift", "4.22.0", "3.5.0"),
    ("openshift", "4.23.0-experimental", "3.7.0-experimental"),
    ("r4e", "1.0.0", "3.3.0"),
    ("r4e", "1.1.0", "3.4.0"),
    ("r4e", "1.2.0-experimental", "3.7.0-experimental"),
    ("fiot", "1.0.0", "3.4.0"),
    ("fiot", "1.1.0-experimental", "3.7.0-experimental"),
)
VARIANTS: dict[tuple[str, str], Variant] = {
    (name, version): Variant(name, version, ignition) for name, version, ignition in _TABLE
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
