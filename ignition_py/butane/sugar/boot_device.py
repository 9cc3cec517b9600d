"""fcos boot_device (spec 1.3.0+): LUKS root (tang, tpm2, cex) and mirrored boot disks,
read, validated and rendered as Butane v0.29.0's config/fcos/v1_*/{validate,translate}.go."""

from __future__ import annotations

import re

from ignition_py.butane.sugar import levels, messages
from ignition_py.butane.sugar.shape import Path, Reader
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_BASE: Path = ("boot_device",)
_LUKS: Path = ("boot_device", "luks")
_MIRROR: Path = ("boot_device", "mirror")
_LEGACY_LAYOUTS = ("aarch64", "ppc64le", "x86_64")
_S390X_DEVICE = {
    "s390x-eckd": re.compile(r"/dev/dasd[a-z]$"),
    "s390x-zfcp": re.compile(r"/dev/sd[a-z]$"),
}
_S390X_PARTITION = {"s390x-eckd": "2", "s390x-zfcp": "4"}

# GPT type GUIDs and sizes (MiB) of the OS image layout Butane replicates; never change them.
_RESERVED = ("reserved", 1, "8DA63339-0007-60C0-C436-083AC8230908")
_BIOS = ("bios", 1, "21686148-6449-6E6F-744E-656564454649")
_PREP = ("prep", 4, "9E1A2D38-C612-4316-AA26-8B49521E5A8B")
_ESP = ("esp", 127, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B")
_BOOT_MIB = 384


class BootDevice:
    """The boot_device section as read (None where the YAML leaves a field unset)."""

    __slots__ = ("cex", "device", "discard", "layout", "mirror", "tang", "threshold", "tpm2")

    def __init__(self) -> None:
        self.layout: str | None = None
        self.mirror: list[str] = []
        self.tang: list[dict[str, Any]] = []
        self.threshold: int | None = None
        self.tpm2: bool | None = None
        self.discard: bool | None = None
        self.device: str | None = None
        self.cex: bool | None = None

    def wants_luks(self) -> bool:
        return bool(self.tpm2) or bool(self.tang) or bool(self.cex)


def read(reader: Reader, section: object, level: int) -> BootDevice:
    """Read ``section`` (the boot_device value) at fcos sugar ``level``."""
    bd = BootDevice()
    top = reader.mapping(section, _BASE, ("layout", "luks", "mirror"))
    bd.layout = reader.string(top.get("layout"), (*_BASE, "layout"))
    luks_keys = ["tang", "threshold", "tpm2"]
    if level >= levels.LUKS_DISCARD:
        luks_keys.append("discard")
    if level >= levels.S390X:
        luks_keys += ["device", "cex"]
    luks = reader.mapping(top.get("luks"), _LUKS, tuple(sorted(luks_keys)))
    # in the schema's field order, which is the order of Butane's unused-key walk
    cex = reader.mapping(luks.get("cex"), (*_LUKS, "cex"), ("enabled",))
    bd.cex = reader.boolean(cex.get("enabled"), (*_LUKS, "cex", "enabled"))
    bd.discard = reader.boolean(luks.get("discard"), (*_LUKS, "discard"))
    bd.device = reader.string(luks.get("device"), (*_LUKS, "device"))
    tang_keys = ("url", "thumbprint", "advertisement")[
        : 3 if level >= levels.TANG_ADVERTISEMENT else 2
    ]
    for i, raw in enumerate(reader.sequence(luks.get("tang"), (*_LUKS, "tang"))):
        entry = reader.mapping(raw, (*_LUKS, "tang", i), tang_keys)
        bd.tang.append({k: reader.string(entry.get(k), (*_LUKS, "tang", i, k)) for k in tang_keys})
    bd.threshold = reader.integer(luks.get("threshold"), (*_LUKS, "threshold"))
    bd.tpm2 = reader.boolean(luks.get("tpm2"), (*_LUKS, "tpm2"))
    mirror = reader.mapping(top.get("mirror"), _MIRROR, ("devices",))
    bd.mirror = reader.strings(mirror.get("devices"), (*_MIRROR, "devices"))
    return bd


def validate(reader: Reader, bd: BootDevice, level: int) -> None:
    """BootDevice.Validate, then the validator's walk into luks and mirror."""
    if bd.mirror and bd.layout is None:
        if level >= levels.STRICT_BOOT_DEVICE:
            reader.error(_MIRROR, messages.MIRROR_REQUIRES_LAYOUT)
        else:
            reader.warn(_MIRROR, messages.MIRROR_REQUIRES_LAYOUT)
    layout_path = (*_BASE, "layout")
    if bd.layout is not None and level < levels.S390X:
        if bd.layout not in _LEGACY_LAYOUTS:
            reader.error(layout_path, messages.UNKNOWN_LAYOUT_LEGACY)
    elif bd.layout is not None:
        if bd.layout in _S390X_DEVICE:
            if not bd.device:
                reader.error(layout_path, messages.NO_LUKS_BOOT_DEVICE)
            elif not _S390X_DEVICE[bd.layout].search(bd.device):
                reader.error(layout_path, messages.LUKS_BOOT_DEVICE_BAD_NAME)
        elif bd.layout not in (*_LEGACY_LAYOUTS, "s390x-virt"):
            reader.error(layout_path, messages.UNKNOWN_LAYOUT)
        if bd.layout.startswith("s390x") and bd.mirror:
            reader.error(layout_path, messages.MIRROR_NOT_SUPPORTED)
    if bd.cex:
        if bd.layout is None:
            reader.error((*_LUKS, "cex"), messages.CEX_ARCHITECTURE_MISMATCH)
        elif not bd.layout.startswith("s390x"):
            reader.error(layout_path, messages.CEX_ARCHITECTURE_MISMATCH)
        if bd.tang or bd.tpm2:
            reader.error(_LUKS, messages.CEX_WITH_CLEVIS)
    # Butane validates the mirror twice (BootDevice.Validate merges Mirror.Validate, and the
    # validator walks into the mirror field after luks): it reports this error twice.
    too_few = len(bd.mirror) == 1
    if too_few:
        reader.error((*_MIRROR, "devices"), messages.TOO_FEW_MIRROR_DEVICES)
    if level >= levels.STRICT_BOOT_DEVICE and bd.device:
        has_method = any(any(v is not None and v != "" for v in t.values()) for t in bd.tang)
        if not (has_method or bd.tpm2 or bd.cex):
            reader.error((*_LUKS, "luks"), messages.NO_LUKS_METHOD)
    if too_few:
        reader.error((*_MIRROR, "devices"), messages.TOO_FEW_MIRROR_DEVICES)


def render(bd: BootDevice) -> tuple[dict[str, Any], dict[Path, Path | None]]:
    """The storage section and its sources (fragment path under storage -> YAML path, None
    where Butane has no translation)."""
    storage: dict[str, Any] = {}
    sources: dict[Path, Path | None] = {}
    luks, mirror = bd.wants_luks(), bool(bd.mirror)
    if not luks and not mirror:
        return storage, sources
    filesystems: list[dict[str, Any]] = []
    if mirror:
        _render_mirror(bd, storage, filesystems, sources)
    if luks:
        _render_luks(bd, storage, sources)
    sources[("filesystems", len(filesystems))] = _BASE
    filesystems.append(
        {
            "device": "/dev/mapper/root" if luks else "/dev/md/md-root",
            "format": "xfs",
            "label": "root",
            "wipeFilesystem": True,
        }
    )
    storage["filesystems"] = filesystems
    sources[("filesystems",)] = _BASE
    sources[()] = _BASE
    return storage, sources


def _first_partitions(layout: str | None) -> tuple[tuple[str, int, str], tuple[str, int, str]]:
    if layout is None or layout == "x86_64":
        return _BIOS, _ESP
    if layout == "aarch64":
        return _RESERVED, _ESP
    if layout == "ppc64le":
        return _PREP, _RESERVED
    return _RESERVED, _RESERVED


def _render_mirror(
    bd: BootDevice,
    storage: dict[str, Any],
    filesystems: list[dict[str, Any]],
    sources: dict[Path, Path | None],
) -> None:
    disks = []
    first, second = _first_partitions(bd.layout)
    for i, device in enumerate(bd.mirror):
        n = i + 1
        partitions: list[dict[str, Any]] = [
            {"label": f"{name}-{n}", "sizeMiB": size, "typeGuid": guid}
            for name, size, guid in (first, second)
        ]
        partitions += [{"label": f"boot-{n}", "sizeMiB": _BOOT_MIB}, {"label": f"root-{n}"}]
        disks.append({"device": device, "partitions": partitions, "wipeTable": True})
        sources[("disks", i)] = (*_MIRROR, "devices", i)
        if second is _ESP:
            sources[("filesystems", len(filesystems))] = (*_MIRROR, "devices", i)
            filesystems.append(
                {
                    "device": f"/dev/disk/by-partlabel/esp-{n}",
                    "format": "vfat",
                    "label": f"esp-{n}",
                    "wipeFilesystem": True,
                }
            )
    storage["disks"] = disks
    sources[("disks",)] = (*_MIRROR, "devices")
    storage["raid"] = [
        {
            "devices": [f"/dev/disk/by-partlabel/boot-{i + 1}" for i in range(len(disks))],
            "level": "raid1",
            "name": "md-boot",
            # the superblock at the end of the partition, so BIOS GRUB need not read RAID
            "options": ["--metadata=1.0"],
        },
        {
            "devices": [f"/dev/disk/by-partlabel/root-{i + 1}" for i in range(len(disks))],
            "level": "raid1",
            "name": "md-root",
        },
    ]
    sources[("raid",)] = _MIRROR
    sources[("filesystems", len(filesystems))] = _MIRROR
    filesystems.append(
        {"device": "/dev/md/md-boot", "format": "ext4", "label": "boot", "wipeFilesystem": True}
    )


def _render_luks(bd: BootDevice, storage: dict[str, Any], sources: dict[Path, Path | None]) -> None:
    if bd.layout in _S390X_PARTITION:
        device = (bd.device or "") + _S390X_PARTITION[bd.layout]
    elif bd.mirror:
        device = "/dev/md/md-root"
    else:
        device = "/dev/disk/by-partlabel/root"
    volume: dict[str, Any] = {"device": device}
    if bd.cex:
        volume["cex"] = {"enabled": True}
        sources[("luks", 0, "cex", "enabled")] = (*_LUKS, "cex", "enabled")
        sources[("luks", 0, "cex")] = _LUKS
    else:
        volume["clevis"] = _clevis(bd, sources)
    if bd.discard is not None:
        volume["discard"] = bd.discard
        sources[("luks", 0, "discard")] = (*_LUKS, "discard")
    volume |= {"label": "luks-root", "name": "root", "wipeVolume": True}
    storage["luks"] = [volume]
    for key in ("device", "label", "name", "wipeVolume"):
        sources[("luks", 0, key)] = _LUKS
    sources[("luks", 0)] = _LUKS
    sources[("luks",)] = _LUKS


def _clevis(bd: BootDevice, sources: dict[Path, Path | None]) -> dict[str, Any]:
    clevis: dict[str, Any] = {}
    base = ("luks", 0, "clevis")
    sources[base] = _LUKS
    if bd.tang:
        tang = []
        for i, entry in enumerate(bd.tang):
            out: dict[str, Any] = {"url": entry.get("url") or ""}
            for key in ("thumbprint", "advertisement"):
                if entry.get(key) is not None:
                    out[key] = entry[key]
            for key in out:
                sources[(*base, "tang", i, key)] = (*_LUKS, "tang", i, key)
            if out["url"] == "":
                # Butane records no translation for an empty url (a plain string): its
                # problems keep the Ignition path
                sources[(*base, "tang", i, "url")] = None
            sources[(*base, "tang", i)] = (*_LUKS, "tang", i)
            tang.append(out)
        clevis["tang"] = tang
        sources[(*base, "tang")] = (*_LUKS, "tang")
    if bd.threshold is not None:
        clevis["threshold"] = bd.threshold
        sources[(*base, "threshold")] = (*_LUKS, "threshold")
    if bd.tpm2 is not None:
        clevis["tpm2"] = bd.tpm2
        sources[(*base, "tpm2")] = (*_LUKS, "tpm2")
    return clevis
