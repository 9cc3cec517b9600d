"""`resize: true` may grow a partition, or shrink it down to its filesystem, never below:
upstream shrinks a 32 MiB ext4 partition to 8 MiB and succeeds with a broken filesystem.
The refusal comes before anything is written on any disk the config names."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.loopdisks import Before, Runner, fingerprint, loop_disks, mounted, partitions, sh

from .cases import disk

CONFIG_VERSION = "3.3.0"


def _resize(device: str, size_mib: int) -> dict[str, object]:
    return disk(device, {"number": 1, "sizeMiB": size_mib, "resize": True})


@pytest.mark.parametrize(
    ("fs_format", "part_mib", "new_mib", "disk_mib"),
    [
        ("ext4", 32, 8, 64),
        ("vfat", 32, 8, 64),
        ("swap", 32, 8, 64),
        ("xfs", 320, 310, 400),
        ("btrfs", 160, 150, 200),
    ],
)
def test_refuses_to_shrink_a_partition_below_its_filesystem(
    tmp_path: Path, fs_format: str, part_mib: int, new_mib: int, disk_mib: int
) -> None:
    shrunk = Before(disk_mib, sgdisk=("-n", f"1:0:+{part_mib}M"), mkfs=((1, fs_format, "data"),))
    with loop_disks((Before(), shrunk), tmp_path) as disks:
        before = [fingerprint(d) for d in disks]
        config = {"ignition": {"version": CONFIG_VERSION}, "storage": {"disks": [
            disk(disks[0].device, {"number": 1, "sizeMiB": 8}),  # written first, upstream
            _resize(disks[1].device, new_mib),
        ]}}  # fmt: skip
        result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 1, result.output
        assert f"refusing to shrink partition 1 of {disks[1].device}" in result.output
        assert f"from {part_mib * 1024 * 1024} bytes ({part_mib} MiB)" in result.output
        assert f"to {new_mib * 1024 * 1024} bytes ({new_mib} MiB)" in result.output
        assert f"a {fs_format} filesystem of" in result.output
        assert [fingerprint(d) for d in disks] == before


def test_ext4_data_intact_after_a_refused_shrink(tmp_path: Path) -> None:
    shrunk = Before(
        sgdisk=("-n", "1:0:+32M"),
        mkfs=((1, "ext4", "data"),),
        files=((1, "/kept.txt", "old data\n"),),
    )
    with loop_disks((shrunk,), tmp_path) as disks:
        config = {"ignition": {"version": CONFIG_VERSION},
                  "storage": {"disks": [_resize(disks[0].device, 8)]}}  # fmt: skip
        result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 1, result.output
        assert partitions(disks[0])[1]["size"] == 32 * 2048
        sh("e2fsck", "-fn", disks[0].node(1))
        with mounted(disks[0].node(1), readonly=True) as root:
            assert (root / "kept.txt").read_text() == "old data\n"


def test_refuses_to_shrink_a_partition_with_an_unknown_signature(tmp_path: Path) -> None:
    with loop_disks((Before(sgdisk=("-n", "1:0:+32M")),), tmp_path) as disks:
        key = tmp_path / "key"
        key.write_text("secret")
        fast = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"]
        sh("cryptsetup", "luksFormat", "--batch-mode", *fast, "--key-file", str(key),
           disks[0].node(1))  # fmt: skip
        before = fingerprint(disks[0])
        config = {"ignition": {"version": CONFIG_VERSION},
                  "storage": {"disks": [_resize(disks[0].device, 24)]}}  # fmt: skip
        result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 1, result.output
        assert "it holds a crypto_LUKS signature, whose size ignition-py cannot read" in (
            result.output
        )
        assert fingerprint(disks[0]) == before


@pytest.mark.parametrize(("fs_mib", "new_mib"), [(8, 16), (8, 8)])
def test_shrinks_down_to_a_smaller_filesystem_and_grows(
    tmp_path: Path, fs_mib: int, new_mib: int
) -> None:
    with loop_disks((Before(sgdisk=("-n", "1:0:+32M")),), tmp_path) as disks:
        sh("mkfs.ext4", "-q", "-F", disks[0].node(1), f"{fs_mib}M")
        config = {"ignition": {"version": CONFIG_VERSION},
                  "storage": {"disks": [_resize(disks[0].device, new_mib)]}}  # fmt: skip
        result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 0, result.output
        assert partitions(disks[0])[1]["size"] == new_mib * 2048
        sh("e2fsck", "-fn", disks[0].node(1))
