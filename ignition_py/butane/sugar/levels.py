"""Which Butane spec versions carry which sugar (Butane v0.29.0's config/<variant>/v*)."""

from __future__ import annotations

# fcos spec minor version -> sugar level; openshift specs embed an fcos spec.
_FCOS = {f"1.{n}.0": n for n in range(8)} | {"1.8.0-experimental": 8}
_OPENSHIFT = (
    {f"4.{n}.0": 3 for n in range(8, 14)}
    | {f"4.{n}.0": 5 for n in range(14, 19)}
    | {f"4.{n}.0": 6 for n in range(19, 23)}
    | {"4.23.0-experimental": 8}
)

# Levels at which a feature appears (fcos spec minor version).
BOOT_DEVICE = 3
GRUB = 5
LUKS_DISCARD = 5
TANG_ADVERTISEMENT = 5
S390X = 6  # s390x layouts, luks.device, luks.cex, reuse-by-label and mount-point checks
STRICT_BOOT_DEVICE = 7  # mirror without layout is an error; luks.device needs a method


def fcos_level(variant: str, version: str) -> int | None:
    """The fcos sugar level of ``variant`` ``version``; None for variants without fcos sugar
    (flatcar, r4e, fiot) or versions Butane does not know."""
    if variant == "fcos":
        return _FCOS.get(version)
    if variant == "openshift":
        return _OPENSHIFT.get(version)
    return None


def openshift_minor(version: str) -> int:
    """4.N.0[-experimental] -> N."""
    return int(version.split(".")[1])
