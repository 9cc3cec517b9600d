"""The disks stage's plan: the config's storage section decided against the host as the
probe shows it, in upstream's order (partitions, RAID, LUKS, filesystems), each device
waited for first. Everything that can be known before the first write is decided here:
the tools needed (checked on PATH), every disk's table and every filesystem whose device
is there and no earlier step changes, where each LUKS key comes from (had by an action
before the first write: planning fetches nothing), and every refusal, LUKS reuse's
included (only trying a reused volume's key waits for its turn). The rest is decided by
the same rules when its turn comes."""

from __future__ import annotations

from collections.abc import Sequence

from ..config.model import Config, Ignition, Storage, uses_clevis
from ..errors import IgnitionError
from ..plan_tools import check_tools
from ..stage import Action as StageAction
from ..stage import StageContext
from ..system.disk_probe import DiskProbe, HostProbe
from .actions import (
    CheckBeforeWriting,
    CreateFilesystem,
    CreateLuks,
    CreateRaid,
    HaveLuksKeys,
    PartitionDisk,
    RecordLuksKey,
    SettleUdev,
    WaitForDevices,
)
from .device_origin import needed_before_writing
from .disk_plan import DiskPlan, plan_disk
from .fs_plan import FsDecision, decide_filesystem
from .fs_rules import MKFS_TOOLS, Decision
from .luks_keys import KeyRing, KeySource, key_sources
from .luks_rules import LuksRuleError, check_supported
from .luks_volume import refusal_before_format

Action = (
    WaitForDevices | HaveLuksKeys | CheckBeforeWriting | PartitionDisk | CreateRaid
    | RecordLuksKey | CreateLuks | CreateFilesystem | SettleUdev
)  # fmt: skip


def needed_tools(storage: Storage) -> dict[str, str]:
    """Every program the stage runs for storage -> the first config path needing it."""
    needs: dict[str, str] = {}
    for i, disk in enumerate(storage.disks):
        for tool in ("partx", "blockdev"):
            needs.setdefault(tool, f"$.storage.disks.{i}")
        for j, partition in enumerate(disk.partitions):
            if partition.resize:  # a shrink is checked against the filesystem's size
                needs.setdefault("blkid", f"$.storage.disks.{i}.partitions.{j}.resize")
    for i, _array in enumerate(storage.raid):
        needs.setdefault("mdadm", f"$.storage.raid.{i}")
    for i, volume in enumerate(storage.luks):
        for tool in ("cryptsetup", "blkid", "wipefs"):
            needs.setdefault(tool, f"$.storage.luks.{i}")
        if uses_clevis(volume):
            needs.setdefault("clevis", f"$.storage.luks.{i}.clevis")
    for i, fs in enumerate(storage.filesystems):
        if fs.format in MKFS_TOOLS:
            needs.setdefault(MKFS_TOOLS[fs.format], f"$.storage.filesystems.{i}.format")
        if fs.format:
            for tool in ("blkid", "wipefs"):
                needs.setdefault(tool, f"$.storage.filesystems.{i}.format")
    return needs


def plan_disks(config: Config, context: StageContext) -> list[StageAction]:
    """The disks stage's actions: none when the config names no disk, RAID array, LUKS
    volume or filesystem (then nothing is probed); otherwise plan_storage against the host,
    loading the modules of the filesystems the mount stage mounts meanwhile
    (module_preload)."""
    storage = config.storage or Storage()
    if not (storage.disks or storage.raid or storage.luks or storage.filesystems):
        return []
    from .module_preload import with_module_loads

    actions = plan_storage(
        storage,
        config.ignition,
        platform=context.options.platform,
        state_file=context.options.state_file,
        probe=HostProbe(context.log),
    )
    return with_module_loads(config, actions)


def plan_storage(
    storage: Storage,
    ignition: Ignition,
    *,
    platform: str,
    state_file: str,
    probe: DiskProbe,
) -> list[Action]:
    """The stage's actions. Raises IgnitionError (or a subclass) for anything refused
    before the first write; the message names the device or the config path."""
    if not (storage.disks or storage.raid or storage.luks or storage.filesystems):
        return []
    check_tools(needed_tools(storage), probe.missing_tools)
    for volume in storage.luks:
        try:
            check_supported(volume)
        except LuksRuleError as err:
            raise IgnitionError(str(err)) from err
    changing = _devices_changed_earlier(storage, probe)
    filesystems = _decide_filesystems(storage, changing, probe)
    luks_found = _luks_found(storage, probe)
    disks = [
        plan_disk(disk, probe.resolve(disk.device), probe)
        if probe.is_block_device(disk.device)
        else None
        for disk in storage.disks
    ]
    sources = key_sources(storage.luks)
    _refuse_luks_before_writing(storage, luks_found, sources, probe)
    ring = KeyRing()
    actions: list[Action] = []
    if storage.disks:
        paths = {d.device: f"$.storage.disks.{i}.device" for i, d in enumerate(storage.disks)}
        actions.append(_wait_for_existing(paths, "disks", probe))
    existing = needed_before_writing(storage)
    if existing:
        actions.append(_wait_for_existing(existing, "pre-existing", probe))
    if sources:
        actions.append(HaveLuksKeys(sources, ignition, platform, ring))
    undecided = tuple(d for d, plan in zip(storage.disks, disks, strict=True) if plan is None)
    written = _devices_written_later(storage, filesystems, luks_found, probe)
    late_luks = tuple(v for v in storage.luks if not probe.is_block_device(v.device or ""))
    late_filesystems = tuple(
        fs
        for fs in storage.filesystems
        if fs.format and not fs.wipe_filesystem and not probe.is_block_device(fs.device)
    )
    actions.append(
        CheckBeforeWriting(undecided, written, late_luks, late_filesystems, tuple(changing))
    )
    actions += [PartitionDisk(d, p) for d, p in zip(storage.disks, disks, strict=True)]
    if storage.raid:
        members = tuple(device for array in storage.raid for device in array.devices)
        actions.append(WaitForDevices(members, "raid"))
        actions += [CreateRaid(array) for array in storage.raid]
    if storage.luks:
        actions.append(WaitForDevices(tuple(v.device or "" for v in storage.luks), "luks"))
        for volume, key in zip(storage.luks, sources, strict=True):
            actions.append(RecordLuksKey(state_file, volume.name, ring))
            found = luks_found.get(volume.name)
            actions.append(CreateLuks(volume, key, ring, found, ignition, platform))
            if uses_clevis(volume) and key.generated:
                actions.append(RecordLuksKey(state_file, volume.name, None))
    formatted = [(i, fs) for i, fs in enumerate(storage.filesystems) if fs.format]
    if formatted:
        actions.append(WaitForDevices(tuple(fs.device for _, fs in formatted), "filesystems"))
        actions += [CreateFilesystem(fs, filesystems.get(i)) for i, fs in formatted]
    actions.append(SettleUdev())
    return actions


def _wait_for_existing(paths: dict[str, str], purpose: str, probe: DiskProbe) -> WaitForDevices:
    """Waiting for devices the stage does not make (device -> JSON path), with the first
    one the probe finds missing now, for `ignition-py plan`."""
    missing = None
    for device, path in paths.items():
        if not probe.is_block_device(device):
            why = probe.never_a_block_device(device) or "does not exist"
            missing = f"{path}: device {device} {why}"
            break
    return WaitForDevices(tuple(paths), purpose, tuple(paths.values()), missing)


def _decide_filesystems(
    storage: Storage, changing: Sequence[str], probe: DiskProbe
) -> dict[int, FsDecision]:
    """Filesystems whose device is there now and that no earlier step changes, decided
    now, so that a config refused on one fails before any disk is touched."""
    decided: dict[int, FsDecision] = {}
    for i, fs in enumerate(storage.filesystems):
        if not fs.format or not probe.is_block_device(fs.device):
            continue
        device = probe.resolve(fs.device)
        if _changed_earlier(device, changing):
            continue
        try:
            decided[i] = decide_filesystem(fs, device, probe)
        except IgnitionError as err:
            raise IgnitionError(f"{err} (checked before any change)") from err
    return decided


def _luks_found(storage: Storage, probe: DiskProbe) -> dict[str, bool]:
    """By volume name: whether its device holds LUKS2 now, for the devices that are there
    and that no partitioning or RAID of the stage changes first (the rest are looked at
    when their turn comes)."""
    changing = _devices_changed_earlier(Storage(disks=storage.disks, raid=storage.raid), probe)
    found: dict[str, bool] = {}
    for volume in storage.luks:
        device = volume.device or ""
        if volume.wipe_volume or not probe.is_block_device(device):
            continue
        resolved = probe.resolve(device)
        if not _changed_earlier(resolved, changing):
            found[volume.name] = probe.is_luks2(resolved)
    return found


def _refuse_luks_before_writing(
    storage: Storage,
    luks_found: dict[str, bool],
    sources: Sequence[KeySource],
    probe: DiskProbe,
) -> None:
    """Upstream's refusals of the volumes looked at now (not wiped, device there and not
    changed first): a LUKS2 header that does not match the config, LUKS1, or other data.
    Trying the key waits for CreateLuks. Raises IgnitionError: upstream's message, then
    the volume's JSON path."""
    for i, (volume, key) in enumerate(zip(storage.luks, sources, strict=True)):
        luks2 = luks_found.get(volume.name)
        if luks2 is None:
            continue
        device = probe.resolve(volume.device or "")
        refusal = refusal_before_format(volume, device, key.generated, luks2, probe)
        if refusal is not None:
            where = f"$.storage.luks.{i}, checked before any change"
            raise IgnitionError(f"{refusal} ({where})") from refusal


def _devices_written_later(
    storage: Storage,
    decided: dict[int, FsDecision],
    luks_found: dict[str, bool],
    probe: DiskProbe,
) -> tuple[str, ...]:
    """Config paths of the devices RAID, LUKS and filesystems will write (checked for use
    once the pre-existing devices are there): RAID members, LUKS devices to format, and
    filesystems to wipe or make. Undecided filesystems are checked when made."""
    written = [device for array in storage.raid for device in array.devices]
    for volume in storage.luks:
        device = volume.device or ""
        if not probe.is_block_device(device):
            continue
        luks2 = luks_found.get(volume.name)
        if luks2 is None and not volume.wipe_volume:
            luks2 = probe.is_luks2(probe.resolve(device))
        if volume.wipe_volume or not luks2:
            written.append(device)
    for i, fs in enumerate(storage.filesystems):
        if not fs.format:
            continue
        reused = i in decided and decided[i].decision is Decision.REUSE
        if fs.wipe_filesystem or (i in decided and not reused):
            written.append(fs.device)
    return tuple(dict.fromkeys(written))


def _changed_earlier(device: str, changing: Sequence[str]) -> bool:
    return any(device == path or device.startswith(path) for path in changing)


def _devices_changed_earlier(storage: Storage, probe: DiskProbe) -> list[str]:
    """Disks being partitioned (and so their partitions), RAID and LUKS outputs."""
    paths = ["/dev/md", "/dev/mapper/", "/dev/dm-"]
    for disk in storage.disks:
        paths.append(probe.resolve(disk.device))
    for array in storage.raid:
        paths += [probe.resolve(device) for device in array.devices]
    for volume in storage.luks:
        if volume.device:
            paths.append(probe.resolve(volume.device))
    return paths


__all__ = ["DiskPlan", "plan_storage"]
