"""The harness's Flatcar-style OEM disk: an ext4 filesystem labelled OEM holding the
given files and the config at OEM_CONFIG_PATH (made with mkfs.ext4 -d, read back with
blkid and debugfs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from harness.oem import OEM_CONFIG_PATH, oem_disk


def test_oem_disk_holds_the_files_and_the_config(tmp_path: Path) -> None:
    if shutil.which("mkfs.ext4") is None or shutil.which("debugfs") is None:
        reason = "mkfs.ext4 and debugfs (e2fsprogs) are needed to make and read the OEM disk"
        print(reason)
        pytest.skip(reason)
    files = tmp_path / "files"
    files.mkdir()
    (files / "motd").write_text("hello\n")
    config = tmp_path / "c.ign"
    config.write_text('{"ignition":{"version":"3.4.0"}}')
    image, tree = oem_disk(files, config, tmp_path / "out")
    label = subprocess.run(["blkid", "-p", "-s", "LABEL", "-o", "value", str(image)],
                           capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert label == "OEM"

    def cat(path: str) -> str:
        done = subprocess.run(["debugfs", "-R", f"cat {path}", str(image)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout

    assert cat("/motd") == "hello\n"
    assert cat(OEM_CONFIG_PATH) == config.read_text()
    assert (tree / OEM_CONFIG_PATH.lstrip("/")).read_text() == config.read_text()
