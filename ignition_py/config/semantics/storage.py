"""Rules of disks, partitions, raid arrays, LUKS volumes and filesystems."""

from __future__ import annotations

import json
import re

from ..model import Disk, Filesystem, Luks, Partition, Raid, Storage, uses_clevis
from ..report import JsonPath
from ..versions import V3_3, V3_5, V3_6
from . import messages
from .paths import optional_path_problem, path_problem
from .problems import Problems
from .resources import check_resource
from .urls import optional_url_problem, parse_problem

# a pattern, compiled (and cached by re) at its first use: most configs never need it
_GUID = r"^(|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$"
_RAID_LEVELS_NO_SPARES = {"linear", "raid0", "0", "stripe"}
_RAID_LEVELS = _RAID_LEVELS_NO_SPARES | {
    "raid1", "1", "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10",
}  # fmt: skip
_LABEL_LIMITS = {"ext4": 16, "btrfs": 256, "xfs": 12, "swap": 15, "vfat": 11}
_CLEVIS_PINS = {"tpm2", "tang", "sss"}


def check_storage_devices(storage: Storage, path: JsonPath, problems: Problems) -> None:
    for i, disk in enumerate(storage.disks):
        check_disk(disk, (*path, "disks", i), problems)
    for i, raid in enumerate(storage.raid):
        check_raid(raid, (*path, "raid", i), problems)
    for i, luks in enumerate(storage.luks):
        check_luks(luks, (*path, "luks", i), problems)
    for i, filesystem in enumerate(storage.filesystems):
        check_filesystem(filesystem, (*path, "filesystems", i), problems)
    _check_filesystems_against_disks(storage, path, problems)


def check_disk(disk: Disk, path: JsonPath, problems: Problems) -> None:
    for i, partition in enumerate(disk.partitions):
        check_partition(partition, (*path, "partitions", i), problems)
    if disk.device == "":
        problems.error((*path, "device"), messages.DISK_DEVICE_REQUIRED)
        return
    problems.error((*path, "device"), path_problem(disk.device))
    partitions = disk.partitions
    numbered: dict[int, list[int]] = {}
    for i, partition in enumerate(partitions):
        if partition.number:
            numbered.setdefault(partition.number, []).append(i)
    colliding = next((indexes for indexes in numbered.values() if len(indexes) > 1), None)
    if colliding is not None:
        problems.error((*path, "partitions", colliding[1]), messages.PARTITION_NUMBERS_COLLIDE)
    overlap = _overlapping_partition(partitions)
    if overlap is not None:
        problems.error((*path, "partitions", overlap), messages.PARTITIONS_OVERLAP)
    if any(p.should_exist is False for p in partitions) and any(not p.number for p in partitions):
        problems.error((*path, "partitions"), messages.ZEROES_WITH_SHOULD_NOT_EXIST)
    labels: set[str] = set()
    for i, partition in enumerate(partitions):
        if partition.label is None:
            continue
        if partition.label in labels:
            problems.error((*path, "partitions", i), messages.DUPLICATE_LABELS)
            break
        labels.add(partition.label)


def _overlapping_partition(partitions: tuple[Partition, ...]) -> int | None:
    def placed(p: Partition) -> bool:
        return p.start_mib is not None and p.size_mib is not None and p.start_mib != 0

    def end(p: Partition) -> int:
        assert p.start_mib is not None and p.size_mib is not None
        return p.start_mib if p.size_mib == 0 else p.start_mib + p.size_mib - 1

    for p in partitions:
        if not placed(p):
            continue
        assert p.start_mib is not None
        for i, o in enumerate(partitions):
            if o == p or not placed(o):
                continue
            assert o.start_mib is not None
            if o.start_mib <= p.start_mib <= end(o) or o.start_mib <= end(p) <= end(o):
                return i
            if p.start_mib < o.start_mib and end(p) > end(o):
                return i
    return None


def check_partition(partition: Partition, path: JsonPath, problems: Problems) -> None:
    if partition.should_exist is False and (
        partition.label is not None
        or partition.type_guid
        or partition.guid
        or partition.start_mib is not None
        or partition.size_mib is not None
    ):
        problems.error(path, messages.SHOULD_NOT_EXIST_WITH_OTHERS)
    if not partition.number and partition.label is None:
        problems.error(path, messages.NEED_LABEL_OR_NUMBER)
    if partition.label is not None:
        if len(partition.label.encode()) > 36:
            problems.error((*path, "label"), messages.LABEL_TOO_LONG)
        elif ":" in partition.label:
            problems.error((*path, "label"), messages.LABEL_CONTAINS_COLON)
    for key, guid in (("guid", partition.guid), ("typeGuid", partition.type_guid)):
        if guid is not None and not re.match(_GUID, guid):
            problems.error((*path, key), messages.GUID_FORM)


def check_raid(raid: Raid, path: JsonPath, problems: Problems) -> None:
    if not raid.name:
        problems.warning((*path, "name"), messages.EMPTY_NAME)
    level = raid.level
    if not level:
        required = problems.since(V3_3)
        problems.error(
            (*path, "level"),
            messages.RAID_LEVEL_REQUIRED if required else messages.RAID_LEVEL_UNKNOWN,
        )
    elif level not in _RAID_LEVELS:
        problems.error((*path, "level"), messages.RAID_LEVEL_UNKNOWN)
    elif level in _RAID_LEVELS_NO_SPARES and raid.spares:
        problems.error((*path, "level"), messages.RAID_SPARES)
    if not raid.devices:
        problems.error((*path, "devices"), messages.RAID_DEVICES_REQUIRED)
    for i, device in enumerate(raid.devices):
        problems.error((*path, "devices", i), path_problem(device))


def check_luks(luks: Luks, path: JsonPath, problems: Problems) -> None:
    if not luks.name:
        problems.warning((*path, "name"), messages.EMPTY_NAME)
    if "/" in luks.name:
        problems.error((*path, "name"), messages.LUKS_NAME_SLASH)
    if luks.label and len(luks.label.encode()) > 47:
        problems.error((*path, "label"), messages.LUKS_LABEL_TOO_LONG)
    if not luks.device:
        problems.error((*path, "device"), messages.DISK_DEVICE_REQUIRED)
    else:
        problems.error((*path, "device"), path_problem(luks.device))
    clevis = luks.clevis
    custom = clevis.custom if clevis is not None else None
    if clevis is not None:
        others = bool(clevis.tang) or clevis.tpm2 is True or bool(clevis.threshold)
        custom_set = custom is not None and (bool(custom.pin) if problems.since(V3_3) else True)
        if custom_set and others:
            problems.error((*path, "clevis"), messages.CLEVIS_CUSTOM_WITH_OTHERS)
        for i, tang in enumerate(clevis.tang):
            here = (*path, "clevis", "tang", i)
            scheme, problem = parse_problem(tang.url)
            if problem is None and scheme not in ("http", "https"):
                problem = messages.INVALID_SCHEME
            problems.error((*here, "url"), problem)
            if not tang.thumbprint:
                problems.error((*here, "thumbprint"), messages.TANG_THUMBPRINT_REQUIRED)
            if tang.advertisement and not _is_json(tang.advertisement):
                problems.error((*here, "advertisement"), messages.TANG_ADVERTISEMENT_JSON)
    if custom is not None and (custom.pin or custom.config or custom.needs_network):
        here = (*path, "clevis", "custom")
        if custom.pin:
            if custom.pin not in _CLEVIS_PINS and not problems.since(V3_6):
                problems.error((*here, "pin"), messages.CLEVIS_PIN_UNKNOWN)
        else:
            required = problems.since(V3_3)
            problems.error(
                (*here, "pin"),
                messages.CLEVIS_PIN_REQUIRED if required else messages.CLEVIS_PIN_UNKNOWN,
            )
        if not custom.config:
            problems.error((*here, "config"), messages.CLEVIS_CONFIG_REQUIRED)
    key_source = luks.key_file.source if luks.key_file is not None else None
    if optional_url_problem(key_source, problems.version) is not None:
        problems.error((*path, "keys"), messages.LUKS_KEY_FILE)
    if luks.key_file is not None:
        check_resource(luks.key_file, (*path, "keyFile"), problems)
    if problems.since(V3_5) and luks.cex is not None and luks.cex.enabled:
        if uses_clevis(luks):
            problems.error((*path, "cex"), messages.CEX_WITH_CLEVIS)
        if key_source:
            problems.error((*path, "cex"), messages.CEX_WITH_KEY_FILE)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def check_filesystem(filesystem: Filesystem, path: JsonPath, problems: Problems) -> None:
    problems.error((*path, "path"), optional_path_problem(filesystem.path))
    problems.error((*path, "device"), path_problem(filesystem.device))
    fs_format = filesystem.format
    if not fs_format:
        if (
            filesystem.path
            or filesystem.label
            or filesystem.uuid
            or filesystem.wipe_filesystem is True
            or filesystem.mount_options
            or filesystem.options
        ):
            problems.error((*path, "format"), messages.FORMAT_NIL_WITH_OTHERS)
    else:
        allowed = set(_LABEL_LIMITS) | ({"none"} if problems.since(V3_3) else set())
        if fs_format not in allowed:
            problems.error((*path, "format"), messages.FORMAT_INVALID)
    if filesystem.label:
        if not fs_format:
            problems.error((*path, "label"), messages.LABEL_NEEDS_FORMAT)
        else:
            limit = _LABEL_LIMITS.get(fs_format)
            if limit is not None and len(filesystem.label.encode()) > limit:
                problems.error((*path, "label"), messages.label_too_long(fs_format, limit))


def _check_filesystems_against_disks(storage: Storage, path: JsonPath, problems: Problems) -> None:
    disks = {disk.device: disk for disk in storage.disks}
    for i, filesystem in enumerate(storage.filesystems):
        disk = disks.get(filesystem.device)
        if disk is None:
            continue
        here = (*path, "filesystems", i, "device")
        if disk.partitions:
            problems.warning(here, messages.FS_OVERWRITES_PARTITIONED)
        elif disk.wipe_table is True and filesystem.wipe_filesystem is not True:
            problems.warning(here, messages.FS_ON_WIPED_DISK)
