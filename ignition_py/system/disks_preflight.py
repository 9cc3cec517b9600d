"""Checks made before the disks stage writes anything: the tools it will need, and every
filesystem whose device exists now and that no earlier step of the stage will change
(so a config that would fail on it fails before any disk is touched); then, once the
disks are there, every refusal that can be decided before the first write on any disk."""

from __future__ import annotations

from ..config.model import Storage
from ..disks.fs_rules import Decision, FilesystemRuleError, decide, required_tools
from ..errors import IgnitionError
from ..log import Logger
from . import blockdev, partitioning
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
        if _changed_earlier(device, changing):
            continue
        try:
            decide(fs, probe(device, log))
        except FilesystemRuleError as err:
            raise IgnitionError(f"{err} (checked before any change)") from err


def check_before_writing(storage: Storage, log: Logger) -> None:
    """Refuse, before the first write on any disk, what a later step would refuse after
    earlier ones had written: a disk whose partitioning is refused (busy or shrunk
    partitions, too small, rule errors), and a busy device that RAID, LUKS or a filesystem
    will write to. Devices that do not exist yet are checked when they are written."""
    for disk in storage.disks:
        if blockdev.is_block_device(disk.device):
            partitioning.check_disk(disk, blockdev.resolve(disk.device), log)
    for device in _devices_written_later(storage, log):
        blockdev.refuse_if_busy(device)


def _devices_written_later(storage: Storage, log: Logger) -> list[str]:
    changing = _devices_changed_earlier(storage)
    written = [device for array in storage.raid for device in array.devices]
    for volume in storage.luks:
        device = volume.device or ""
        if blockdev.is_block_device(device) and (
            volume.wipe_volume or not _is_luks2(blockdev.resolve(device), log)
        ):
            written.append(device)
    for fs in storage.filesystems:
        if not fs.format or not blockdev.is_block_device(fs.device):
            continue
        device = blockdev.resolve(fs.device)
        if fs.wipe_filesystem:
            written.append(device)
        elif not _changed_earlier(device, changing):
            try:
                if decide(fs, probe(device, log)) is not Decision.REUSE:
                    written.append(device)
            except FilesystemRuleError:
                continue  # refused with its own message when the filesystem is made
    present = [blockdev.resolve(d) for d in written if blockdev.is_block_device(d)]
    return list(dict.fromkeys(present))


def _changed_earlier(device: str, changing: list[str]) -> bool:
    return any(device == path or device.startswith(path) for path in changing)


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


def _is_luks2(device: str, log: Logger) -> bool:
    from .luks import is_luks2  # loads the LUKS stack only for configs with LUKS volumes

    return is_luks2(device, log)
