"""A device in use is not written: mounted, swap, held, the backing store of a loop
device, or claimed by another opener. Every disk the config names is checked before the
first write on any of them; and when the kernel still refuses a new partition table, the
old one is written back."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from testkit.loopdisks import (
    Before,
    Runner,
    attached,
    fingerprint,
    loop_disks,
    mounted,
    partitions,
    probe,
    sh,
)

from .cases import disk

CONFIG_VERSION = "3.3.0"
DATA = Before(sgdisk=("-n", "1:0:+16M", "-n", "2:0:+16M"), mkfs=((1, "ext4", "data"),),
              files=((1, "/kept.txt", "old data\n"),))  # fmt: skip


@contextmanager
def held_open(device: str, *, exclusive: bool) -> Iterator[None]:
    """Another program with device open (O_EXCL: claimed, as mkfs or a mount would)."""
    flag = "os.O_EXCL" if exclusive else "0"
    script = (f"import os, sys, time; os.open(sys.argv[1], os.O_RDONLY | {flag}); "
              "print('open', flush=True); time.sleep(600)")  # fmt: skip
    holder = subprocess.Popen([sys.executable, "-c", script, device], stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"open\n"
        yield
    finally:
        holder.kill()
        holder.wait()


def _in_use(how: str, node: str) -> AbstractContextManager[object]:
    if how == "mounted":
        return mounted(node)
    if how == "loop":
        return attached(node)
    return held_open(node, exclusive=True)


def _stage(tmp_path: Path, storage: dict[str, object]) -> str:
    config = {"ignition": {"version": CONFIG_VERSION}, "storage": storage}
    result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
    assert result.returncode == 1, result.output
    return result.output


def _data_intact(device: str) -> None:
    sh("e2fsck", "-fn", device)
    with mounted(device, readonly=True) as root:
        assert (root / "kept.txt").read_text() == "old data\n"


def test_wipe_table_refused_on_a_disk_with_a_loop_backed_partition(tmp_path: Path) -> None:
    with loop_disks((DATA,), tmp_path) as disks, attached(disks[0].node(1)) as loop:
        image = fingerprint(disks[0])
        output = _stage(tmp_path, {"disks": [
            disk(disks[0].device, {"number": 1, "sizeMiB": 4}, wipe=True)]})  # fmt: skip
        assert f"refusing to modify {disks[0].node(1)}" in output
        assert f"is the backing store of {loop}" in output
        assert fingerprint(disks[0]) == image


def test_wipe_filesystem_refused_on_a_loop_backed_partition(tmp_path: Path) -> None:
    with loop_disks((DATA,), tmp_path) as disks, attached(disks[0].node(1)) as loop:
        output = _stage(tmp_path, {"filesystems": [
            {"device": disks[0].node(1), "format": "ext4", "wipeFilesystem": True}]})  # fmt: skip
        assert f"{disks[0].node(1)} is the backing store of {loop}" in output
        _data_intact(disks[0].node(1))


def test_partitioning_refused_on_a_disk_that_backs_a_loop_device(tmp_path: Path) -> None:
    with loop_disks((DATA,), tmp_path) as disks, attached(disks[0].device) as loop:
        image = fingerprint(disks[0])
        output = _stage(tmp_path, {"disks": [
            disk(disks[0].device, {"number": 3, "sizeMiB": 4}, wipe=True)]})  # fmt: skip
        assert f"{disks[0].device} is the backing store of {loop}" in output
        assert fingerprint(disks[0]) == image


@pytest.mark.parametrize("busy", ["mounted", "loop", "claimed"])
def test_every_disk_checked_before_the_first_write(tmp_path: Path, busy: str) -> None:
    """Upstream partitions the first disk, then refuses the busy second one."""
    with loop_disks((Before(), DATA), tmp_path) as disks:
        image, table = fingerprint(disks[0]), partitions(disks[1])
        node = disks[1].node(1)
        with _in_use(busy, node):
            output = _stage(tmp_path, {
                "disks": [disk(disks[0].device, {"number": 1, "sizeMiB": 8}),
                          disk(disks[1].device, {"number": 1, "sizeMiB": 4}, wipe=True)],
            })  # fmt: skip
        assert f"refusing to modify {node}" in output
        assert fingerprint(disks[0]) == image
        assert partitions(disks[1]) == table
        _data_intact(node)


@pytest.mark.parametrize("busy", ["mounted", "loop", "claimed"])
def test_every_filesystem_checked_before_the_first_format(tmp_path: Path, busy: str) -> None:
    """Upstream formats the first filesystem, then refuses the busy second one."""
    with loop_disks((Before(mkfs=((0, "vfat", "first"),)), DATA), tmp_path) as disks:
        node = disks[1].node(1)
        with _in_use(busy, node):
            output = _stage(tmp_path, {"filesystems": [
                {"device": disks[0].device, "format": "ext4", "wipeFilesystem": True},
                {"device": node, "format": "xfs", "wipeFilesystem": True},
            ]})  # fmt: skip
        assert f"refusing to modify {node}" in output
        assert probe(disks[0].device).get("TYPE") == "vfat"
        _data_intact(node)


def test_kernel_refusal_writes_the_old_table_back(tmp_path: Path) -> None:
    """A partition merely open (no claim, no holder) passes every check; the kernel then
    refuses to drop it, and the table written must not stay on the disk."""
    with loop_disks((DATA,), tmp_path) as disks:
        image = fingerprint(disks[0])
        table = partitions(disks[0])
        with held_open(disks[0].node(1), exclusive=False):
            output = _stage(tmp_path, {"disks": [
                disk(disks[0].device, {"number": 1, "sizeMiB": 4}, wipe=True)]})  # fmt: skip
        assert f"the kernel refused the new partition table of {disks[0].device}" in output
        assert "the old table was written back" in output
        assert fingerprint(disks[0]) == image
        assert partitions(disks[0]) == table
        kernel = sorted(p.name for p in Path(f"/sys/block/{Path(disks[0].device).name}").iterdir()
                        if p.name.startswith(Path(disks[0].device).name + "p"))  # fmt: skip
        assert kernel == [f"{Path(disks[0].device).name}p1", f"{Path(disks[0].device).name}p2"]
        _data_intact(disks[0].node(1))
