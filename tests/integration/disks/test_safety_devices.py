"""Device paths that can never become the block device the config asks for fail at once,
saying what they are (upstream waits 90 s and reports a timeout); only a path that may
still appear is waited for. A disk too small for a GPT says so, with its size."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from testkit.loopdisks import Before, Runner, fingerprint, loop_disks, sh

from .cases import disk

CONFIG_VERSION = "3.3.0"
PROMPT = 15.0  # seconds: far below the 90 s device timeout


def _storage(section: str, device: str) -> dict[str, object]:
    if section == "disks":
        return {"disks": [disk(device, {"number": 1})]}
    if section == "filesystems":
        return {"filesystems": [{"device": device, "format": "ext4"}]}
    if section == "luks":
        return {"luks": [{"name": "data", "device": device}]}
    return {"raid": [{"name": "md-data", "level": "raid1", "devices": [device, device + "x"]}]}


def _run(tmp_path: Path, storage: dict[str, object], timeout: str | None = None) -> str:
    config = {"ignition": {"version": CONFIG_VERSION}, "storage": storage}
    env = {"IGNITION_PY_DEVICE_TIMEOUT": timeout} if timeout else {}
    result = Runner(tmp_path, env=env).stage("disks", config, tmp_path / "root")
    assert result.returncode == 1, result.output
    return result.output


def _make(tmp_path: Path, kind: str) -> tuple[str, str]:
    """A path of the kind, and what the error must say about it."""
    if kind == "regular file":
        path = tmp_path / "disk.img"
        path.write_bytes(b"\x00" * 1024 * 1024)
        return str(path), "exists and is not a block device (it is a regular file)"
    if kind == "directory":
        return str(tmp_path), "exists and is not a block device (it is a directory)"
    if kind == "under a file":
        return "/dev/null/disk", "cannot be reached: Not a directory"
    if kind == "character device":
        return "/dev/null", "exists and is not a block device (it is a character device)"
    link = tmp_path / "by-label-data"
    link.symlink_to(tmp_path / "nothing-here")
    return str(link), f"is a link to {tmp_path / 'nothing-here'}, which does not exist"


@pytest.mark.parametrize("section", ["disks", "filesystems", "luks", "raid"])
@pytest.mark.parametrize(
    "kind", ["regular file", "directory", "character device", "under a file", "link"]
)
def test_never_a_block_device_fails_at_once(tmp_path: Path, kind: str, section: str) -> None:
    path, says = _make(tmp_path, kind)
    before = Path(path).read_bytes() if kind == "regular file" else b""
    started = time.monotonic()
    output = _run(tmp_path, _storage(section, path))
    assert time.monotonic() - started < PROMPT
    assert f"device {path} {says}" in output
    assert "timed out" not in output
    if kind == "regular file":
        assert Path(path).read_bytes() == before


@pytest.mark.parametrize("target", ["/dev/disk/by-label/ignition-py-never", "/dev/sdzz9"])
def test_a_path_that_may_still_appear_is_waited_for(tmp_path: Path, target: str) -> None:
    link = tmp_path / "later"
    link.symlink_to(target)
    for path in (target, str(link)):
        output = _run(tmp_path, _storage("disks", path), timeout="0.5")
        assert f"timed out after 0.5s waiting for device(s) {path}" in output


def test_a_disk_too_small_for_a_gpt_says_so(tmp_path: Path) -> None:
    with loop_disks((Before(size_mib=0),), tmp_path) as disks:
        os.truncate(disks[0].image, 16 * 1024)
        sh("losetup", "-c", disks[0].device)
        image = fingerprint(disks[0])
        output = _run(tmp_path, {"disks": [disk(disks[0].device, {"number": 1})]})
        assert f"{disks[0].device} is too small for a GPT partition table" in output
        assert "it has 16384 bytes, a GPT needs at least 34816" in output
        assert "-34" not in output.replace(str(tmp_path), "")  # no negative sector count
        assert fingerprint(disks[0]) == image
