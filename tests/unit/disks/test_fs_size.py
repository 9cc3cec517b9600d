"""Filesystem sizes read from superblocks that the real mkfs tools wrote into image files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ignition_py.system.fs_size import HEAD_BYTES, filesystem_size

MIB = 1024 * 1024
MKFS = {
    "ext4": lambda image, mib: ["mkfs.ext4", "-q", "-F", str(image), f"{mib}M"],
    "xfs": lambda image, mib: ["mkfs.xfs", "-q", "-f", "-d", f"size={mib}m", str(image)],
    "btrfs": lambda image, mib: ["mkfs.btrfs", "-q", "-f", "-b", f"{mib}M", str(image)],
    "vfat": lambda image, mib: ["mkfs.vfat", str(image), str(mib * 1024)],
    "swap": lambda image, mib: ["mkswap", "-f", str(image), str(mib * 1024)],
}


@pytest.mark.runs_programs  # the real mkfs tools write the superblocks read here
@pytest.mark.parametrize(
    ("fs_type", "fs_mib", "image_mib"),
    [("ext4", 24, 40), ("xfs", 320, 400), ("btrfs", 150, 200), ("vfat", 24, 40), ("swap", 24, 40)],
)
def test_size_is_what_mkfs_was_told(
    tmp_path: Path, fs_type: str, fs_mib: int, image_mib: int
) -> None:
    tool = MKFS[fs_type](tmp_path, 0)[0]
    if shutil.which(tool) is None:
        print(f"skipped: {tool} is not installed")
        pytest.skip(f"{tool} is not installed")
    image = tmp_path / "fs.img"
    with open(image, "wb") as handle:
        handle.truncate(image_mib * MIB)
    subprocess.run(MKFS[fs_type](image, fs_mib), check=True, capture_output=True)
    head = image.read_bytes()[:HEAD_BYTES]
    assert filesystem_size(fs_type, head) == fs_mib * MIB


def test_unknown_types_and_short_or_foreign_heads_have_no_size() -> None:
    assert filesystem_size("crypto_LUKS", b"\x00" * HEAD_BYTES) is None
    assert filesystem_size("ext4", b"\x00" * 100) is None
    assert filesystem_size("ext4", b"\x00" * HEAD_BYTES) is None
    assert filesystem_size("swap", b"\x00" * HEAD_BYTES) is None
