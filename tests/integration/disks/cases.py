"""Declarative disks-stage cases: the disks before, the config, the disks after.

Devices are written $DISK0, $DISK1p2 ...; sizes in the expectations are 512-byte
sectors as `sfdisk -J` prints them. A case with `error` must fail with that text in the
output (ours; Go's wording differs) and leave `untouched` disks byte for byte as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from testkit.loopdisks import Before

EFI = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
SWAP = "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"
GUID_A = "1B4E28BA-2FA1-11D2-883F-B9A761BDE3FB"
GUID_B = "6C1E7A3A-8E0B-4C4B-9C55-4A3D1C1B2A10"
FS_UUID = "5F6B2C1E-9A7D-4E3B-8C2A-1D0E9F8A7B6C"


@dataclass(frozen=True)
class Case:
    name: str
    disks: tuple[Before, ...]
    storage: dict[str, Any]
    since: str = "3.0.0"  # the first spec version the config is valid in
    tables: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    filesystems: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[tuple[str, str], str] = field(default_factory=dict)
    error: str | None = None
    untouched: tuple[int, ...] = ()

    def config(self, version: str = "3.3.0") -> dict[str, Any]:
        return {"ignition": {"version": version}, "storage": self.storage}


def disk(device: str, *partitions: dict[str, Any], wipe: bool = False) -> dict[str, Any]:
    tree: dict[str, Any] = {"device": device, "partitions": list(partitions)}
    if wipe:
        tree["wipeTable"] = True
    return tree


ONE_PARTITION = Before(sgdisk=("-n", "1:0:+8M", "-c", "1:data", "-u", f"1:{GUID_A}"))
TWO_PARTITIONS = Before(
    sgdisk=("-n", "1:0:+8M", "-c", "1:data", "-u", f"1:{GUID_A}", "-n", "2:0:+8M", "-c", "2:keep")
)
EXT4_WITH_FILE = Before(mkfs=((0, "ext4", "data"),), files=((0, "/hello.txt", "kept\n"),))

PARTITION_CASES = [
    Case(
        "fixed-and-rest",
        (Before(sgdisk=("-n", "1:0:+4M")), Before()),
        {"disks": [disk("$DISK0",
            {"number": 1, "label": "boot", "sizeMiB": 8, "typeGuid": EFI, "guid": GUID_A},
            {"number": 0, "label": "rest", "sizeMiB": 0},
            wipe=True)]},
        tables={0: {
            1: {"start": 2048, "size": 16384, "type": EFI, "uuid": GUID_A, "name": "boot"},
            2: {"start": 18432, "size": 112607, "type": LINUX, "name": "rest"},
        }},
        untouched=(1,),
    ),
    Case(
        "start-given-and-largest-block",
        (Before(),),
        {"disks": [disk("$DISK0",
            {"number": 3, "label": "middle", "startMiB": 10, "sizeMiB": 5},
            {"number": 1, "label": "largest", "startMiB": 0, "sizeMiB": 0})]},
        tables={0: {
            3: {"start": 20480, "size": 10240, "name": "middle"},
            1: {"start": 30720, "size": 100319, "name": "largest"},
        }},
    ),
    Case(
        "existing-partition-kept",
        (ONE_PARTITION,),
        {"disks": [disk("$DISK0", {"number": 1, "label": "data"})]},
        tables={0: {1: {"start": 2048, "size": 16384, "uuid": GUID_A, "name": "data"}}},
    ),
    Case(
        "mismatch-fails",
        (ONE_PARTITION,),
        {"disks": [disk("$DISK0", {"number": 1, "label": "data", "sizeMiB": 16})]},
        error="didn't match: size did not match",
        untouched=(0,),
    ),
    Case(
        "mismatch-recreated-with-wipe-entry",
        (ONE_PARTITION,),
        {"disks": [disk("$DISK0",
            {"number": 1, "label": "data", "sizeMiB": 16, "wipePartitionEntry": True})]},
        tables={0: {1: {"start": 2048, "size": 32768, "name": "data"}}},
    ),
    Case(
        "should-not-exist-fails",
        (ONE_PARTITION,),
        {"disks": [disk("$DISK0", {"number": 1, "shouldExist": False})]},
        error="exists but is specified as nonexistent",
        untouched=(0,),
    ),
    Case(
        "should-not-exist-deleted",
        (TWO_PARTITIONS,),
        {"disks": [disk("$DISK0",
            {"number": 1, "shouldExist": False, "wipePartitionEntry": True})]},
        tables={0: {2: {"start": 18432, "size": 16384, "name": "keep"}}},
    ),
    Case(
        "should-not-exist-absent",
        (Before(),),
        {"disks": [disk("$DISK0", {"number": 4, "shouldExist": False})]},
        tables={0: {}},
    ),
    Case(
        "resize-keeps-start-and-guid",
        (ONE_PARTITION,),
        {"disks": [disk("$DISK0", {"number": 1, "label": "data", "sizeMiB": 16, "resize": True})]},
        since="3.2.0",
        tables={0: {1: {"start": 2048, "size": 32768, "uuid": GUID_A, "name": "data"}}},
    ),
    Case(
        "overlap-fails",
        (ONE_PARTITION,),
        {"disks": [disk("$DISK0", {"number": 2, "startMiB": 4, "sizeMiB": 4})]},
        error="not free",
        untouched=(0,),
    ),
    Case(
        "label-type-guid-set",
        (Before(),),
        {"disks": [disk("$DISK0",
            {"label": "swap-space", "sizeMiB": 4, "typeGuid": SWAP.lower(), "guid": GUID_B})]},
        tables={0: {1: {"start": 2048, "size": 8192, "type": SWAP, "uuid": GUID_B,
                        "name": "swap-space"}}},
    ),
]  # fmt: skip

FILESYSTEM_CASES = [
    Case(
        "ext4-label-uuid-options",
        (Before(),),
        {"filesystems": [{"device": "$DISK0", "format": "ext4", "label": "root",
                          "uuid": FS_UUID.lower(), "options": ["-E", "lazy_itable_init=1"]}]},
        filesystems={"$DISK0": {"TYPE": "ext4", "LABEL": "root", "UUID": FS_UUID.lower()}},
    ),
    Case(
        "xfs-label-uuid",
        (Before(size_mib=320),),
        {"filesystems": [{"device": "$DISK0", "format": "xfs", "label": "var",
                          "uuid": FS_UUID.lower()}]},
        filesystems={"$DISK0": {"TYPE": "xfs", "LABEL": "var", "UUID": FS_UUID.lower()}},
    ),
    Case(
        "btrfs-label-uuid",
        (Before(size_mib=128),),
        {"filesystems": [{"device": "$DISK0", "format": "btrfs", "label": "pool",
                          "uuid": FS_UUID.lower()}]},
        filesystems={"$DISK0": {"TYPE": "btrfs", "LABEL": "pool", "UUID": FS_UUID.lower()}},
    ),
    Case(
        "swap-label-uuid",
        (Before(),),
        {"filesystems": [{"device": "$DISK0", "format": "swap", "label": "swap",
                          "uuid": FS_UUID.lower()}]},
        filesystems={"$DISK0": {"TYPE": "swap", "LABEL": "swap", "UUID": FS_UUID.lower()}},
    ),
    Case(
        "vfat-label-volume-id",
        (Before(),),
        {"filesystems": [{"device": "$DISK0", "format": "vfat", "label": "EFI",
                          "uuid": "1234-ABCD"}]},
        filesystems={"$DISK0": {"TYPE": "vfat", "LABEL": "EFI", "UUID": "1234-ABCD"}},
    ),
    Case(
        "filesystem-on-new-partition",
        (Before(),),
        {"disks": [disk("$DISK0", {"number": 1, "label": "root", "sizeMiB": 0})],
         "filesystems": [{"device": "$DISK0p1", "format": "ext4", "label": "root"}]},
        filesystems={"$DISK0p1": {"TYPE": "ext4", "LABEL": "root"}},
    ),
    Case(
        "reuse-keeps-data",
        (EXT4_WITH_FILE,),
        {"filesystems": [{"device": "$DISK0", "format": "ext4", "label": "data"}]},
        filesystems={"$DISK0": {"TYPE": "ext4", "LABEL": "data"}},
        files={("$DISK0", "/hello.txt"): "kept\n"},
    ),
    Case(
        "reuse-with-other-label-fails",
        (EXT4_WITH_FILE,),
        {"filesystems": [{"device": "$DISK0", "format": "ext4", "label": "other"}]},
        error="is not of the correct type, label, or UUID",
        files={("$DISK0", "/hello.txt"): "kept\n"},
        untouched=(0,),
    ),
    Case(
        "other-filesystem-without-wipe-fails",
        (EXT4_WITH_FILE,),
        {"filesystems": [{"device": "$DISK0", "format": "xfs"}]},
        error="a filesystem wipe was not requested",
        untouched=(0,),
    ),
    Case(
        "wipe-replaces-filesystem",
        (Before(size_mib=128, mkfs=((0, "ext4", "data"),)),),
        {"filesystems": [{"device": "$DISK0", "format": "btrfs", "label": "new",
                          "wipeFilesystem": True}]},
        filesystems={"$DISK0": {"TYPE": "btrfs", "LABEL": "new"}},
    ),
    Case(
        "none-without-wipe-fails-on-existing",
        (EXT4_WITH_FILE,),
        {"filesystems": [{"device": "$DISK0", "format": "none"}]},
        since="3.3.0",
        error="a filesystem wipe was not requested",
        untouched=(0,),
    ),
    Case(
        "none-with-wipe-clears-signatures",
        (EXT4_WITH_FILE,),
        {"filesystems": [{"device": "$DISK0", "format": "none", "wipeFilesystem": True}]},
        since="3.3.0",
        filesystems={"$DISK0": {}},
    ),
]  # fmt: skip

SAFETY_CASES = [
    Case(
        "mkfs-failure-leaves-other-disks",
        (Before(), Before(), EXT4_WITH_FILE),
        {"filesystems": [
            {"device": "$DISK0", "format": "ext4", "options": ["-b", "12345"]},
            {"device": "$DISK1", "format": "xfs"},
        ]},
        error="mkfs.ext4 -b 12345",
        files={("$DISK2", "/hello.txt"): "kept\n"},
        untouched=(1, 2),
    ),
    Case(
        "bad-filesystem-fails-before-partitioning",
        (Before(), EXT4_WITH_FILE),
        {"disks": [disk("$DISK0", {"number": 1, "sizeMiB": 8})],
         "filesystems": [{"device": "$DISK1", "format": "xfs"}]},
        error="checked before any change",
        untouched=(0, 1),
    ),
]  # fmt: skip

ALL_CASES = PARTITION_CASES + FILESYSTEM_CASES + SAFETY_CASES
