"""Which device paths of a config the disks stage makes itself (partitions of the disks
it partitions, RAID arrays, LUKS mappings) and which must already exist when it starts.

The stage waits for the second kind before its check of everything it will write, so that
"checked before the first write" holds for every device, not only for those udev had
already announced."""

from __future__ import annotations

import re

from ..config.model import Storage

# a pattern, compiled (and cached by re) at its first use: most runs never need it
_PARTITION_SUFFIX = r"p?\d+$"


def made_by_the_stage(device: str, storage: Storage) -> bool:
    """Whether ``device`` (a path as the config names it) is made or renamed by the stage:
    a partition of a disk it partitions (by node, partlabel or partition GUID), a RAID
    array or a LUKS mapping it creates."""
    for disk in storage.disks:
        if device != disk.device and device.startswith(disk.device):
            if re.fullmatch(_PARTITION_SUFFIX, device[len(disk.device) :]):
                return True
            if (
                disk.device.startswith("/dev/disk/by-")
                and device[len(disk.device) :][:5] == "-part"
            ):
                return True
        for partition in disk.partitions:
            if partition.label and device == f"/dev/disk/by-partlabel/{partition.label}":
                return True
            guid = (partition.guid or "").lower()
            if guid and device.lower() == f"/dev/disk/by-partuuid/{guid}":
                return True
    for array in storage.raid:
        if device in (f"/dev/md/{array.name}", f"/dev/disk/by-id/md-name-any:{array.name}"):
            return True
    for volume in storage.luks:
        if device in (f"/dev/mapper/{volume.name}", f"/dev/disk/by-id/dm-name-{volume.name}"):
            return True
    return False


def needed_before_writing(storage: Storage) -> dict[str, str]:
    """Devices the stage writes or reads but does not make -> the config path of their
    first mention, in config order: RAID members, LUKS devices, devices of filesystems to
    be made."""
    wanted: list[tuple[str, str]] = []
    for i, array in enumerate(storage.raid):
        wanted += [(d, f"$.storage.raid.{i}.devices.{j}") for j, d in enumerate(array.devices)]
    for i, volume in enumerate(storage.luks):
        if volume.device:
            wanted.append((volume.device, f"$.storage.luks.{i}.device"))
    for i, fs in enumerate(storage.filesystems):
        if fs.format:
            wanted.append((fs.device, f"$.storage.filesystems.{i}.device"))
    found: dict[str, str] = {}
    for device, path in wanted:
        if not made_by_the_stage(device, storage):
            found.setdefault(device, path)
    return found
