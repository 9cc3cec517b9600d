"""Which devices the disks stage makes itself and which it must wait for before its
check of everything it will write."""

from __future__ import annotations

from ignition_py.config.model import Disk, Filesystem, Luks, Partition, Raid, Storage
from ignition_py.disks.device_origin import made_by_the_stage, needed_before_writing

STORAGE = Storage(
    disks=(
        Disk(device="/dev/vdb", partitions=(Partition(label="data", guid="ABC-1"),)),
        Disk(device="/dev/nvme0n1"),
        Disk(device="/dev/disk/by-id/virtio-x"),
    ),
    raid=(Raid(name="md0", level="raid1", devices=("/dev/vdb1", "/dev/vdc")),),
    luks=(Luks(name="secret", device="/dev/md/md0"), Luks(name="other", device="/dev/vdd")),
    filesystems=(
        Filesystem(device="/dev/mapper/secret", format="ext4"),
        Filesystem(device="/dev/disk/by-label/OLD", format="xfs"),
        Filesystem(device="/dev/disk/by-partlabel/data", format="ext4"),
        Filesystem(device="/dev/vde", path="/var"),  # not formatted: only mounted
    ),
)


def test_partitions_arrays_and_mappings_are_made_by_the_stage() -> None:
    for device in (
        "/dev/vdb1",
        "/dev/vdb12",
        "/dev/nvme0n1p2",
        "/dev/disk/by-id/virtio-x-part3",
        "/dev/disk/by-partlabel/data",
        "/dev/disk/by-partuuid/abc-1",
        "/dev/md/md0",
        "/dev/mapper/secret",
    ):
        assert made_by_the_stage(device, STORAGE), device


def test_other_devices_must_exist_before() -> None:
    for device in ("/dev/vdc", "/dev/vdd", "/dev/vdba", "/dev/disk/by-label/OLD"):
        assert not made_by_the_stage(device, STORAGE), device


def test_the_stage_waits_for_every_device_it_does_not_make() -> None:
    needed = needed_before_writing(STORAGE)
    assert tuple(needed) == ("/dev/vdc", "/dev/vdd", "/dev/disk/by-label/OLD")
    assert all(path.startswith("$.storage.") for path in needed.values())
