"""Upstream's filesystem reuse rule and the mkfs command lines, decided without a disk.

Without wipeFilesystem, an existing filesystem of the configured type (and label and
UUID, when the config gives them) is kept; any other signature is an error. With it, the
device is wiped and formatted. Data is never destroyed unless the config says so.
"""

from __future__ import annotations

from enum import Enum

from ..config.model import Filesystem
from ..flavour import is_flatcar
from ..go_text import go_quote
from ..system.filesystems import Probe

__all__ = ["Decision", "FilesystemRuleError", "Probe", "decide", "mkfs_argv", "table_holds_data"]

MKFS_TOOLS = {
    "ext4": "mkfs.ext4",
    "xfs": "mkfs.xfs",
    "btrfs": "mkfs.btrfs",
    "vfat": "mkfs.vfat",
    "swap": "mkswap",
}
FORMATS = (*MKFS_TOOLS, "none")


class FilesystemRuleError(Exception):
    """The device holds something the config does not allow to be destroyed."""


def table_holds_data(probe: Probe) -> bool:
    """A partition table with partitions (or one that cannot be read): formatting over it
    loses them. Upstream formats over it regardless; an empty table holds nothing."""
    return bool(probe.partition_table) and probe.partitions != 0


class Decision(Enum):
    """What the disks stage does to a filesystem's device."""

    NOTHING = "nothing to do"
    REUSE = "reuse the existing filesystem"
    CREATE = "create the filesystem"
    WIPE_AND_CREATE = "wipe the device and create the filesystem"
    WIPE_ONLY = "wipe the device's signatures"


def canonical_uuid(fs_format: str, value: str) -> str:
    """Upstream's comparison form: lower case, and vfat's volume id without the dash."""
    value = value.lower()
    if fs_format == "vfat" and len(value) >= 5 and value[4] == "-":
        value = value[:4] + value[5:]
    return value


def decide(fs: Filesystem, probe: Probe) -> Decision:
    """Upstream's reuse rule for fs given what blkid found on its device. Raises
    FilesystemRuleError (upstream's message) when data would be lost without a wipe."""
    fs_format = fs.format or ""
    if not fs_format:
        return Decision.NOTHING
    if fs_format not in FORMATS:
        raise FilesystemRuleError(f"unsupported filesystem format: {go_quote(fs_format)}")
    if fs.wipe_filesystem:
        return Decision.WIPE_ONLY if fs_format == "none" else Decision.WIPE_AND_CREATE
    if (
        # Flatcar's patch 0008: whatever is on the OEM partition is kept (its format changed).
        (probe.type == fs_format or (probe.label == "OEM" and is_flatcar()))
        and (fs.label is None or probe.label == fs.label)
        and (
            fs.uuid is None
            or canonical_uuid(probe.type, probe.uuid) == canonical_uuid(fs_format, fs.uuid)
        )
    ):
        return Decision.REUSE
    if probe.type:
        raise FilesystemRuleError(
            f"filesystem at {go_quote(fs.device or '')} is not of the correct type, label, or "
            f"UUID (found {probe.type}, {go_quote(probe.label)}, {probe.uuid}) and a "
            "filesystem wipe was not requested"
        )
    if table_holds_data(probe):
        # Upstream would format over a partition table; a drop-in that keeps data safe
        # asks for wipeFilesystem instead.
        count = "" if probe.partitions is None else f" of {probe.partitions} partition(s)"
        raise FilesystemRuleError(
            f"{go_quote(fs.device or '')} holds a {probe.partition_table} partition table{count} "
            "and a "
            "filesystem wipe was not requested"
        )
    if probe.partition_table and fs_format != "none":
        return Decision.WIPE_AND_CREATE  # as upstream, which wipes before every mkfs
    return Decision.NOTHING if fs_format == "none" else Decision.CREATE


def mkfs_argv(fs: Filesystem, device: str) -> list[str]:
    """The command upstream runs: options first, then force, UUID and label flags."""
    fs_format = fs.format or ""
    args = [MKFS_TOOLS[fs_format], *fs.options]
    uuid = canonical_uuid(fs_format, fs.uuid) if fs.uuid is not None else None
    if fs_format == "btrfs":
        args.append("--force")
    elif fs_format in ("ext4", "swap"):
        args.append("-F" if fs_format == "ext4" else "-f")
    elif fs_format == "xfs":
        args.append("-f")
    if uuid is not None:
        flag = {"xfs": "-m", "vfat": "-i"}.get(fs_format, "-U")
        args += [flag, f"uuid={uuid}" if fs_format == "xfs" else uuid]
    if fs.label is not None:
        args += ["-n" if fs_format == "vfat" else "-L", fs.label]
    return [*args, device]
