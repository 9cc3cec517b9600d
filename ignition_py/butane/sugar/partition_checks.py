"""fcos checks on the user's disks and filesystems (Butane v0.29.0 config/fcos/v1_*):
reserved partition labels, the root partition's size, reuse by label, mount unit paths."""

from __future__ import annotations

import re

from ignition_py.butane.sugar import levels, messages
from ignition_py.butane.sugar.keyed import merged_positions
from ignition_py.butane.sugar.shape import Reader, dicts_at
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_BOOT_DISK = "/dev/disk/by-id/coreos-boot-disk"
_MOUNT_UNIT_PATH = re.compile(r"^/(etc|var)(/|$)")
_RESERVED_NUMBER = {"BIOS-BOOT": 1, "PowerPC-PReP-boot": 1, "EFI-SYSTEM": 2, "boot": 3, "root": 4}


def validate(reader: Reader, tree: dict[str, Any], mirror: list[str], level: int) -> None:
    """fcos 1.6.0+ Config.Validate: partitions reused by label, mount units outside /etc, /var."""
    if level < levels.S390X:
        return
    for i, disk in dicts_at(tree, "storage", "disks"):
        if disk.get("device") == _BOOT_DISK or disk.get("wipe_table") is True:
            continue
        if disk.get("device") in mirror:
            continue
        for p, part in dicts_at(disk, "partitions"):
            if not part.get("number") and part.get("label") is not None:
                path = ("storage", "disks", i, "partitions", p, "number")
                reader.warn(path, messages.REUSE_BY_LABEL)
    for i, fs in dicts_at(tree, "storage", "filesystems"):
        path_value = fs.get("path")
        mounted = isinstance(path_value, str) and fs.get("with_mount_unit") is True
        if mounted and not _MOUNT_UNIT_PATH.search(str(path_value)):
            reader.error(("storage", "filesystems", i, "path"), messages.MOUNT_POINT_FORBIDDEN)


def check_partitions(
    reader: Reader, tree: dict[str, Any], sugar_disks: list[dict[str, Any]], level: int
) -> None:
    """The translate-time warnings on the disks merged from the sugar and the user's config."""
    user = dicts_at(tree, "storage", "disks")
    positions = merged_positions(
        [d["device"] for d in sugar_disks], [d.get("device") for _, d in user]
    )
    by_device = {d["device"]: d for d in sugar_disks}
    # in the merged config's order: a disk on a mirror device sits where the sugar put it
    ordered = sorted(zip(user, positions, strict=True), key=lambda item: item[1])
    for (j, disk), merged_index in ordered:
        parent = by_device.get(disk.get("device"))
        wipe = disk.get("wipe_table")
        if wipe is None and parent is not None:
            wipe = parent["wipeTable"]
        parts = [
            (p, part.get("label"), part.get("number") or 0, part.get("size_mib"),
             part.get("start_mib"))
            for p, part in dicts_at(disk, "partitions")
        ]  # fmt: skip
        parent_parts = len(parent["partitions"]) if parent else 0
        for p, label, number, size, _ in parts:
            if not isinstance(label, str):
                continue
            label_path = ("storage", "disks", j, "partitions", p, "label")
            if level >= levels.BOOT_DEVICE and label == "root":
                if not size:
                    # the sugar's partitions never set start_mib
                    others = [q for q in parts if q[0] != p]
                    if parent_parts or any(not q[4] for q in others):
                        reader.warn(label_path, messages.ROOT_CONSTRAINED)
                elif isinstance(size, int) and size < 8192:
                    # Butane's path here is in JSON space with snake_case, so it keeps the
                    # merged config's indices.
                    path = ("storage", "disks", merged_index, "partitions", parent_parts + p,
                            "size_mib")  # fmt: skip
                    reader.warn(path, messages.ROOT_TOO_SMALL)
            if wipe is not True and label in _RESERVED_NUMBER and number != _RESERVED_NUMBER[label]:
                reader.warn(label_path, messages.WRONG_PARTITION_NUMBER)
