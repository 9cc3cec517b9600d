"""The disks stage's actions, in the order its plan returns them: each holds what the
plan decided (a partition table in sectors, an mkfs, cryptsetup or mdadm argv, a key's
origin) and applies it through system/. A device that was not there, or was going to be
changed by an earlier action, when the plan was made is decided when its turn comes,
by the same rules."""

from __future__ import annotations

from ..config.model import Disk, Filesystem, Ignition, Luks, Raid
from ..frozen import frozen_model
from ..log import Logger
from ..shell_words import join
from ..state import State
from .disk_plan import DiskPlan
from .fs_plan import FsDecision
from .luks_keys import KeyRing, KeySource


@frozen_model
class WaitForDevices:
    """Wait for devices; with `json_paths`, they exist before the stage writes (the stage
    does not make them), and `missing` is what the plan's probe found lacking: the first
    such device, named by its JSON path."""

    devices: tuple[str, ...]
    purpose: str
    json_paths: tuple[str, ...] = ()
    missing: str | None = None

    def describe(self) -> str:
        return f"waiting for {self.purpose} devices {', '.join(self.devices)}"

    def unmet(self) -> str | None:
        """For `ignition-py plan`: the first device that must exist and did not when the
        plan was made (the stage itself waits for it)."""
        return self.missing

    def apply(self, log: Logger) -> None:
        from ..system import blockdev

        blockdev.wait_for_devices(list(self.devices), log)


@frozen_model
class HaveLuksKeys:
    """Every LUKS volume's key, generated, decoded or fetched (with the config's timeouts,
    proxy and CAs) into the stage's key ring, before the first write: a key that cannot
    be had fails the stage with every disk as it was (upstream partitions first)."""

    sources: tuple[KeySource, ...]
    ignition: Ignition
    platform: str
    ring: KeyRing

    def describe(self) -> str:
        keys = ", ".join(f"luks {s.name}: {s.origin()}" for s in self.sources)
        return f"getting the LUKS keys ({keys})"

    def apply(self, log: Logger) -> None:
        from .luks_keys import have_keys

        have_keys(self.sources, self.ignition, self.platform, self.ring, log)


@frozen_model
class CheckBeforeWriting:
    """Refuse, before the first write on any disk, what a later step would refuse after
    earlier ones had written: the partitioning of a disk, and a busy device that RAID,
    LUKS or a filesystem will write to. What the plan could not see (devices that came
    after it was made) is looked at here, by the same rules."""

    undecided_disks: tuple[Disk, ...]
    written: tuple[str, ...]  # config paths whose device a later step writes
    late_luks: tuple[Luks, ...]  # volumes whose device was not there for the plan
    late_filesystems: tuple[Filesystem, ...]  # same, for filesystems it would decide
    changing: tuple[str, ...]  # paths (prefixes) that earlier steps change

    def describe(self) -> str:
        return "checking every device the config names before the first write"

    def apply(self, log: Logger) -> None:
        from ..system import blockdev
        from ..system.disk_probe import HostProbe
        from .disk_plan import plan_disk
        from .fs_rules import Decision, FilesystemRuleError, decide

        probe = HostProbe(log)
        for disk in self.undecided_disks:
            if blockdev.is_block_device(disk.device):
                plan_disk(disk, blockdev.resolve(disk.device), probe)
        written = list(self.written)
        for volume in self.late_luks:
            device = volume.device or ""
            if blockdev.is_block_device(device) and (
                volume.wipe_volume or not probe.is_luks2(blockdev.resolve(device))
            ):
                written.append(device)
        for fs in self.late_filesystems:
            if not blockdev.is_block_device(fs.device):
                continue
            device = blockdev.resolve(fs.device)
            if any(device == path or device.startswith(path) for path in self.changing):
                continue
            try:
                if decide(fs, probe.filesystem(device)) is not Decision.REUSE:
                    written.append(device)
            except FilesystemRuleError:
                continue  # refused with its own message when the filesystem is made
        present = [blockdev.resolve(d) for d in written if blockdev.is_block_device(d)]
        for device in dict.fromkeys(present):
            blockdev.refuse_if_busy(device)


@frozen_model
class PartitionDisk:
    """Write one disk's decided table (decided again if the disk changed since)."""

    disk: Disk
    decided: DiskPlan | None  # None: the disk was not there when the plan was made

    def describe(self) -> str:
        from .disk_plan import describe_plan

        if self.decided is None:
            return f"partitioning {self.disk.device} (decided once it appears)"
        return describe_plan(self.decided)

    def details(self) -> list[str]:
        """For `ignition-py plan`: the decided table, one partition a line."""
        from .disk_plan import table_lines

        return table_lines(self.decided) if self.decided is not None else []

    def apply(self, log: Logger) -> None:
        from ..system import blockdev
        from ..system.disk_probe import HostProbe
        from ..system.partitioning import write_partition_table
        from .disk_plan import plan_disk

        device = blockdev.resolve(self.disk.device)
        probe = HostProbe(log)
        plan = self.decided
        if plan is None or plan.device != device or probe.read_table(device) != plan.found:
            plan = plan_disk(self.disk, device, probe)
        for step in plan.partitions.steps:
            log.info(f"{device}: {step}")
        if plan.write is not None:
            write_partition_table(plan.write, log)


@frozen_model
class CreateRaid:
    """`mdadm --create` with upstream's argv, members resolved and checked for use."""

    raid: Raid

    def describe(self) -> str:
        from .raid_rules import create_argv

        spares = f", {self.raid.spares} spare(s)" if self.raid.spares else ""
        members = ", ".join(self.raid.devices)
        argv = join(create_argv(self.raid, list(self.raid.devices)))
        return f"creating RAID {self.raid.name} ({self.raid.level} of {members}{spares}): {argv}"

    def apply(self, log: Logger) -> None:
        from ..system import blockdev, raid
        from .raid_rules import create_argv

        devices = [blockdev.resolve(device) for device in self.raid.devices]
        raid.create_array(create_argv(self.raid, devices), devices, log)


@frozen_model
class RecordLuksKey:
    """The state-file write of a LUKS key (upstream's luksPersistKeyFiles), from the key
    ring; ring None takes it out again."""

    state_file: str
    name: str
    ring: KeyRing | None

    def describe(self) -> str:
        if self.ring is None:
            return f"forgetting the key of luks {self.name} in {self.state_file} (clevis has it)"
        return f"recording the key of luks {self.name} in {self.state_file}"

    def planned_state(self, state: State) -> State:
        """For `ignition-py plan`: the state later stages begin with once this is done
        (a key's place held by an empty data URL: the plan has no key)."""
        if self.ring is None:
            return state.without_luks_key(self.name)
        return state.with_luks_key(self.name, "data:,")

    def apply(self, log: Logger) -> None:
        from .luks_state import record_luks_key

        key = self.ring.key(self.name) if self.ring is not None else None
        record_luks_key(self.state_file, self.name, key)


@frozen_model
class CreateLuks:
    """Reuse or format and open one LUKS2 volume with its key from the ring."""

    luks: Luks
    key: KeySource
    ring: KeyRing
    luks2: bool | None = None  # whether the device held LUKS2 for the plan; None: look then
    ignition: Ignition | None = None  # the fetcher's settings, for tang advertisements
    platform: str = ""

    def describe(self) -> str:
        from ..config.model import uses_clevis
        from .luks_rules import format_argv

        wipe = "wipe the volume, then " if self.luks.wipe_volume else "reuse a matching one, or "
        argv = join(format_argv(self.luks, "KEYFILE", self.luks.device or ""))
        clevis = ", then bind clevis" if uses_clevis(self.luks) else ""
        return (
            f"creating LUKS2 volume {self.luks.name} on {self.luks.device} with the "
            f"{self.key.origin()}: {wipe}{argv}{clevis}"
        )

    def apply(self, log: Logger) -> None:
        from ..system import blockdev
        from ..system.disk_probe import HostProbe
        from .luks_volume import make_volume
        from .tang_adv import advertisement_urls, fetch_advertisements

        device = blockdev.resolve(self.luks.device or "")
        key = self.ring.key(self.luks.name)
        ignition = self.ignition or Ignition()

        def before_bind() -> None:
            fetch_advertisements(advertisement_urls(self.luks), ignition, self.platform, log)

        make_volume(
            self.luks, device, key, self.key.generated, HostProbe(log), log, self.luks2,
            before_bind,
        )  # fmt: skip


@frozen_model
class CreateFilesystem:
    """Wipe and make (or reuse) one filesystem as decided."""

    filesystem: Filesystem
    decided: FsDecision | None  # None: decided when its turn comes

    def describe(self) -> str:
        from .fs_plan import describe_filesystem

        return describe_filesystem(self.filesystem, self.decided)

    def apply(self, log: Logger) -> None:
        from ..system import blockdev
        from ..system.disk_probe import HostProbe
        from .fs_plan import apply_decision, decide_filesystem

        device = blockdev.resolve(self.filesystem.device)
        decided = self.decided
        if decided is None or decided.device != device:
            decided = decide_filesystem(self.filesystem, device, HostProbe(log))
        apply_decision(self.filesystem, decided, log)


@frozen_model
class SettleUdev:
    """`udevadm settle` at the end of the stage, as upstream."""

    def describe(self) -> str:
        return "waiting for udev to settle"

    def apply(self, log: Logger) -> None:
        from ..system import blockdev

        blockdev.settle(log)
