"""Checks made before the disks stage writes anything: the tools it will need, and every
filesystem whose device exists now and that no earlier step of the stage will change
(so a config that would fail on it fails before any disk is touched)."""

from __future__ import annotations

from ..config.model import Storage
from ..disks.fs_rules import FilesystemRuleError, decide, required_tools
from ..errors import IgnitionError
from ..log import Logger
from . import blockdev
from .commands import require_tools
from .filesystems import probe


def preflight(storage: Storage, log: Logger) -> None:
    tools = set(required_tools(storage.filesystems))
    if storage.disks:
        tools |= {"partx", "blockdev"}
    if storage.raid:
        tools |= {"mdadm"}
    if storage.luks:
        tools |= {"cryptsetup", "blkid", "wipefs"}
    require_tools(sorted(tools))
    changing = _devices_changed_earlier(storage)
    for fs in storage.filesystems:
        if not fs.format or not blockdev.is_block_device(fs.device):
            continue
        device = blockdev.resolve(fs.device)
        if any(device == path or device.startswith(path) for path in changing):
            continue
        try:
            decide(fs, probe(device, log))
        except FilesystemRuleError as err:
            raise IgnitionError(f"{err} (checked before any change)") from err


def _devices_changed_earlier(storage: Storage) -> list[str]:
    """Disks being partitioned (and so their partitions), RAID and LUKS outputs."""
    paths = ["/dev/md", "/dev/mapper/", "/dev/dm-"]
    for disk in storage.disks:
        paths.append(blockdev.resolve(disk.device))
    for array in storage.raid:
        paths += [blockdev.resolve(device) for device in array.devices]
    for volume in storage.luks:
        if volume.device:
            paths.append(blockdev.resolve(volume.device))
    return paths
