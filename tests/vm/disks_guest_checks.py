"""Disks-stage checks that need kernel features this machine lacks (device-mapper for
LUKS, md for RAID, vfat mounts). Run inside one QEMU guest by test_disks_in_guest.py,
with three blank disks at /dev/vda, /dev/vdb, /dev/vdc; not collected on the host
(the file name does not start with test_)."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.disks.harness import Runner, mounted, probe, sh

DISKS = ("/dev/vda", "/dev/vdb", "/dev/vdc")
KEY = b"correct horse battery staple\n"
FAST_PBKDF = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"]  # keeps TCG boots short


@pytest.fixture(autouse=True)
def _blank_disks() -> Iterator[None]:
    if os.environ.get("IGNITION_PY_VM_GUEST") != "1":
        reason = "guest-only checks: run through tests/vm/test_disks_in_guest.py"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    _reset()
    yield
    _reset()


def _reset() -> None:
    for line in sh("findmnt", "-rno", "TARGET,SOURCE").splitlines():
        target, source = line.split(" ", 1)
        if source.startswith(("/dev/mapper/", "/dev/md", "/dev/vd")):
            sh("umount", target, check=False)
    for name in ("secret", "generated", "raided"):
        sh("cryptsetup", "luksClose", name, check=False)
    sh("mdadm", "--stop", "--scan", check=False)
    for device in DISKS:
        sh("wipefs", "-a", device, check=False)
        sh("mdadm", "--zero-superblock", device, check=False)
    sh("udevadm", "settle", check=False)


def config(storage: dict[str, Any]) -> dict[str, Any]:
    return {"ignition": {"version": "3.4.0"}, "storage": storage}


def key_url(key: bytes) -> str:
    return "data:;base64," + base64.b64encode(key).decode()


def state(tmp_path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((tmp_path / "state").read_text())
    return loaded


def test_luks_with_key_file_then_filesystem_mounted(tmp_path: Path) -> None:
    root = tmp_path / "sysroot"
    root.mkdir()
    tree = config({
        "luks": [{"name": "secret", "device": "/dev/vda", "label": "crypt-label",
                  "uuid": "3a9b4c5d-6e7f-4a1b-8c2d-3e4f5a6b7c8d",
                  "keyFile": {"source": key_url(KEY)}, "discard": True,
                  "openOptions": ["--perf-no_read_workqueue"], "options": FAST_PBKDF}],
        "filesystems": [{"device": "/dev/mapper/secret", "format": "ext4", "label": "inner",
                         "path": "/srv"}],
    })  # fmt: skip
    runner = Runner(tmp_path)
    result = runner.stage("disks", tree, root)
    assert result.returncode == 0, result.output
    assert KEY.decode() not in result.output
    dump = sh("cryptsetup", "luksDump", "/dev/vda")
    assert re.search(r"Version:\s+2", dump)
    assert "crypt-label" in dump and "3a9b4c5d-6e7f-4a1b-8c2d-3e4f5a6b7c8d" in dump
    assert "allow_discards" in sh("dmsetup", "table", "secret")
    assert probe("/dev/mapper/secret")["LABEL"] == "inner"
    assert runner.stage("mount", tree, root).returncode == 0
    (root / "srv/file").write_text("inside\n")
    assert runner.stage("umount", tree, root).returncode == 0
    stored = state(tmp_path)["luksPersistKeyFiles"]["secret"]
    assert base64.b64decode(stored.split(",", 1)[1]) == KEY
    sh("cryptsetup", "luksClose", "secret")
    again = runner.stage("disks", tree, root)  # reuse: opened with the key, data kept
    assert again.returncode == 0, again.output
    assert "already correctly formatted" in again.output
    with mounted("/dev/mapper/secret", readonly=True) as inner:
        assert (inner / "file").read_text() == "inside\n"


def test_luks_generated_key_kept_in_state(tmp_path: Path) -> None:
    tree = config({"luks": [{"name": "generated", "device": "/dev/vdb", "options": FAST_PBKDF}]})
    result = Runner(tmp_path).stage("disks", tree, tmp_path)
    assert result.returncode == 0, result.output
    url = state(tmp_path)["luksPersistKeyFiles"]["generated"]
    key = base64.b64decode(url.split(",", 1)[1])
    assert len(key) == 8192 and key.decode() not in result.output
    sh("cryptsetup", "luksClose", "generated")
    key_file = tmp_path / "key"
    key_file.write_bytes(key)
    sh("cryptsetup", "luksOpen", "--test-passphrase", "--key-file", str(key_file), "/dev/vdb")


def test_luks_refuses_existing_filesystem_without_wipe(tmp_path: Path) -> None:
    sh("mkfs.ext4", "-q", "-F", "/dev/vdc")
    tree = config({"luks": [{"name": "secret", "device": "/dev/vdc",
                             "keyFile": {"source": key_url(KEY)}}]})  # fmt: skip
    result = Runner(tmp_path).stage("disks", tree, tmp_path)
    assert result.returncode == 1
    assert "not of the correct type (found ext4)" in result.output
    assert probe("/dev/vdc")["TYPE"] == "ext4"
    tree["storage"]["luks"][0]["wipeVolume"] = True
    tree["storage"]["luks"][0]["options"] = [
        "--pbkdf",
        "pbkdf2",
        "--pbkdf-force-iterations",
        "1000",
    ]
    wiped = Runner(tmp_path).stage("disks", tree, tmp_path)
    assert wiped.returncode == 0, wiped.output
    assert probe("/dev/vdc")["TYPE"] == "crypto_LUKS"


def test_raid1_with_filesystem(tmp_path: Path) -> None:
    tree = config({
        "raid": [{"name": "data", "level": "raid1", "devices": ["/dev/vdb", "/dev/vdc"]}],
        "filesystems": [{"device": "/dev/md/data", "format": "ext4", "label": "mirrored"}],
    })  # fmt: skip
    result = Runner(tmp_path).stage("disks", tree, tmp_path)
    assert result.returncode == 0, result.output
    assert "mdadm --create data" in result.output
    detail = sh("mdadm", "--detail", "/dev/md/data")
    assert "raid1" in detail and "/dev/vdb" in detail and "/dev/vdc" in detail
    assert probe("/dev/md/data")["LABEL"] == "mirrored"


def test_vfat_mounted_by_the_mount_stage(tmp_path: Path) -> None:
    root = tmp_path / "sysroot"
    root.mkdir()
    tree = config({
        "disks": [{"device": "/dev/vda", "wipeTable": True, "partitions": [
            {"number": 1, "label": "esp", "sizeMiB": 32,
             "typeGuid": "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"}]}],
        "filesystems": [{"device": "/dev/disk/by-partlabel/esp", "format": "vfat",
                         "label": "EFI", "path": "/boot/efi", "mountOptions": ["umask=0077"]}],
    })  # fmt: skip
    runner = Runner(tmp_path)
    result = runner.stage("disks", tree, root)
    assert result.returncode == 0, result.output
    assert probe("/dev/vda1")["TYPE"] == "vfat"
    assert runner.stage("mount", tree, root).returncode == 0
    (root / "boot/efi/EFI").mkdir()
    assert "dmask=0077" in sh("findmnt", "-no", "OPTIONS", str(root / "boot/efi"))
    assert runner.stage("umount", tree, root).returncode == 0
    assert subprocess.run(["findmnt", str(root / "boot/efi")]).returncode == 1
