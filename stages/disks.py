"""The disks stage: partitions, RAID arrays, LUKS volumes and filesystems, in upstream's
order, each device waited for first; refuses devices that are busy or that the config
does not name. The deciding is in ignition_py.disks, the doing in ignition_py.system."""

from __future__ import annotations

from ignition_py.config.model import Config, Disk, Filesystem, Ignition, Luks, Raid, Storage
from ignition_py.disks.device_origin import needed_before_writing
from ignition_py.disks.luks_rules import FetchedKeys, fetched_key_file
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.stage import PLANNERS, Action, StageContext


@frozen_model
class WaitForDevices:
    devices: tuple[str, ...]
    purpose: str

    def describe(self) -> str:
        return f"waiting for {self.purpose} devices {', '.join(self.devices)}"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import blockdev

        blockdev.wait_for_devices(list(self.devices), log)


@frozen_model
class CheckBeforeWriting:
    storage: Storage
    ignition: Ignition  # timeouts, proxy and CAs for fetching LUKS keyFiles
    platform: str
    keys: FetchedKeys

    def describe(self) -> str:
        fetching = any(fetched_key_file(volume) for volume in self.storage.luks)
        keys = ", then fetching LUKS keyFiles" if fetching else ""
        return f"checking every device the config names before the first write{keys}"

    def apply(self, log: Logger) -> None:
        from ignition_py.system.disks_preflight import check_before_writing

        check_before_writing(self.storage, log)
        if any(fetched_key_file(volume) for volume in self.storage.luks):
            from ignition_py.providers import fetcher_for_config
            from ignition_py.system.luks import fetch_key_files

            fetch = fetcher_for_config(Config(ignition=self.ignition), log, self.platform)
            fetch_key_files(self.storage.luks, fetch, self.keys, log)


@frozen_model
class PartitionDisk:
    disk: Disk

    def describe(self) -> str:
        parts = [_partition_words(p) for p in self.disk.partitions]
        wipe = "wipe the partition table, then " if self.disk.wipe_table else ""
        return f"partitioning {self.disk.device}: {wipe}{'; '.join(parts) or 'no partitions'}"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import blockdev, partitioning

        partitioning.partition_disk(self.disk, blockdev.resolve(self.disk.device), log)


@frozen_model
class CreateRaid:
    raid: Raid

    def describe(self) -> str:
        spares = f", {self.raid.spares} spare(s)" if self.raid.spares else ""
        members = ", ".join(self.raid.devices)
        return f"creating RAID {self.raid.name} ({self.raid.level} of {members}{spares})"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import raid

        raid.create_array(self.raid, log)


@frozen_model
class CreateLuks:
    luks: Luks
    state_file: str
    keys: FetchedKeys

    def describe(self) -> str:
        wipe = " (wiping the volume)" if self.luks.wipe_volume else ""
        return f"creating LUKS2 volume {self.luks.name} on {self.luks.device}{wipe}"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import luks

        luks.create_volume(self.luks, self.state_file, log, self.keys.take(self.luks.name))


@frozen_model
class CreateFilesystem:
    filesystem: Filesystem

    def describe(self) -> str:
        fs = self.filesystem
        named = "".join(
            f" {key} {value!r}" for key, value in (("label", fs.label), ("uuid", fs.uuid)) if value
        )
        how = "wiping, then creating" if fs.wipe_filesystem else "creating (or reusing)"
        if fs.format == "none":
            how = "wiping signatures of" if fs.wipe_filesystem else "checking there is no fs on"
            return f"{how} {fs.device}"
        return f"{how} {fs.format} filesystem{named} on {fs.device}"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import blockdev, filesystems

        filesystems.create_filesystem(
            self.filesystem, blockdev.resolve(self.filesystem.device), log
        )


@frozen_model
class SettleUdev:
    def describe(self) -> str:
        return "waiting for udev to settle"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import blockdev

        blockdev.settle(log)


def _partition_words(partition: object) -> str:
    from ignition_py.config.model import Partition

    assert isinstance(partition, Partition)
    number = partition.number or "next free"
    label = f" {partition.label!r}" if partition.label is not None else ""
    if partition.should_exist is False:
        return f"partition {number}{label} must not exist"
    size = {None: "keep size", 0: "largest free block"}.get(
        partition.size_mib, f"{partition.size_mib} MiB"
    )
    return f"partition {number}{label} ({size})"


@PLANNERS.register("disks")
def plan_disks(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.system.disks_preflight import preflight

    storage = config.storage or Storage()
    if not (storage.disks or storage.raid or storage.luks or storage.filesystems):
        return []
    preflight(storage, context.log)
    actions: list[Action] = []
    if storage.disks:
        actions.append(WaitForDevices(tuple(d.device for d in storage.disks), "disks"))
    existing = needed_before_writing(storage)
    if existing:
        actions.append(WaitForDevices(existing, "pre-existing"))
    keys = FetchedKeys()
    actions.append(CheckBeforeWriting(storage, config.ignition, context.options.platform, keys))
    actions += [PartitionDisk(disk) for disk in storage.disks]
    if storage.raid:
        members = tuple(device for array in storage.raid for device in array.devices)
        actions.append(WaitForDevices(members, "raid"))
        actions += [CreateRaid(array) for array in storage.raid]
    if storage.luks:
        actions.append(WaitForDevices(tuple(v.device or "" for v in storage.luks), "luks"))
        actions += [CreateLuks(volume, context.options.state_file, keys) for volume in storage.luks]
    formatted = [fs for fs in storage.filesystems if fs.format]
    if formatted:
        actions.append(WaitForDevices(tuple(fs.device for fs in formatted), "filesystems"))
        actions += [CreateFilesystem(fs) for fs in formatted]
    actions.append(SettleUdev())
    return actions
