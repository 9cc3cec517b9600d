"""Config drives: a real ext4 image labelled config-2 / cidata on a loop device,
found through /dev/disk/by-label and mounted read-only by the provider. The stage runs
in a private mount namespace whose /dev is a tmpfs holding only the nodes it needs
(the host's /dev, which has no udev here, is left alone), and in a network namespace
without a metadata service, so the drive has to win OpenStack's race."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from testkit.loopdisks import Before, LoopDisk, loop_disks

from .netns import MetadataNet, netns_unavailable_reason
from .stagerun import StageRun, run_stage


@pytest.fixture
def net() -> Iterator[MetadataNet]:
    reason = netns_unavailable_reason() or (
        None
        if shutil.which("unshare") and shutil.which("mkfs.ext4")
        else "util-linux/e2fsprogs missing"
    )
    if reason:
        print(reason)
        pytest.skip(reason)
    with MetadataNet() as created:
        yield created


def drive(
    tmp_path: Path, label: str, files: dict[str, bytes]
) -> AbstractContextManager[list[LoopDisk]]:
    """A 4 MiB ext4 config drive labelled `label` holding `files`, on a loop device."""
    placed = tuple((0, relative, data) for relative, data in files.items())
    return loop_disks((Before(size_mib=4, mkfs=((0, "ext4", label),), files=placed),), tmp_path)


def run_with_drive(
    net: MetadataNet, work: Path, device: str, label: str, platform: str, stage: str
) -> StageRun:
    minor = int(Path(f"/sys/class/block/{Path(device).name}/dev").read_text().split(":")[1])
    name = Path(device).name
    script = "\n".join(
        [
            "set -e",
            "mount -t tmpfs -o mode=755 devtmp /dev",
            "mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/urandom c 1 9",
            f"mknod -m 660 /dev/{name} b 7 {minor}",
            f"mkdir -p /dev/disk/by-label && ln -s ../../{name} /dev/disk/by-label/{label}",
            'exec "$@"',
        ]
    )
    namespace = ["unshare", "-m", "--propagation", "private", "sh", "-c", script, "sh"]
    return run_stage(work, stage, platform, prefix=[*net.prefix(), *namespace], fetch_timeout="8s")


def marked(marker: str) -> bytes:
    files = [{"path": f"/{marker}", "contents": {"source": f"data:,{marker}"}}]
    return json.dumps({"ignition": {"version": "3.3.0"}, "storage": {"files": files}}).encode()


def paths(result: StageRun) -> list[str]:
    return [f["path"] for f in (result.cached or {}).get("storage", {}).get("files", [])]


def test_openstack_config_drive_wins_the_race(net: MetadataNet, tmp_path: Path) -> None:
    with drive(tmp_path, "config-2", {"openstack/latest/user_data": marked("drive")}) as (disk,):
        result = run_with_drive(
            net, tmp_path / "run", disk.device, "config-2", "openstack", "fetch"
        )
        assert result.returncode == 0, result.output
        assert paths(result) == ["/drive"]
        assert "config fetched from config drive (config-2)" in result.output


def test_kubevirt_reads_its_drive_offline(net: MetadataNet, tmp_path: Path) -> None:
    with drive(tmp_path, "config-2", {"openstack/latest/user_data": marked("kv")}) as (disk,):
        result = run_with_drive(
            net, tmp_path / "run", disk.device, "config-2", "kubevirt", "fetch-offline"
        )
        assert result.returncode == 0, result.output
        assert paths(result) == ["/kv"] and not result.neednet.exists()


def test_proxmoxve_skips_cloud_config_user_data(net: MetadataNet, tmp_path: Path) -> None:
    files = {"user-data": b"#cloud-config\nusers: []\n", "vendor-data": marked("vendor")}
    with drive(tmp_path, "cidata", files) as (disk,):
        result = run_with_drive(net, tmp_path / "run", disk.device, "cidata", "proxmoxve", "fetch")
        assert result.returncode == 0, result.output
        assert paths(result) == ["/vendor"]
