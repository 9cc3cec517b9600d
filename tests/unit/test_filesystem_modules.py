"""system.filesystem_modules reads /proc/filesystems as the kernel writes it: which
filesystem types it knows (built in or loaded), so the disks stage loads only the others."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ignition_py.log import Logger
from ignition_py.system.filesystem_modules import (
    registered_filesystems,
    start_loading,
    unregistered,
)

LISTING = "nodev\tsysfs\nnodev\ttmpfs\n\text4\nnodev\tautofs\n\txfs\n"


def test_every_type_is_read_with_or_without_nodev(tmp_path: Path) -> None:
    listing = tmp_path / "filesystems"
    listing.write_text(LISTING)
    assert registered_filesystems(str(listing)) == {"sysfs", "tmpfs", "ext4", "autofs", "xfs"}


def test_only_the_unknown_types_are_left_each_once_in_order(tmp_path: Path) -> None:
    listing = tmp_path / "filesystems"
    listing.write_text(LISTING)
    wanted = ["vfat", "ext4", "btrfs", "vfat", "xfs"]
    assert unregistered(wanted, str(listing)) == ["vfat", "btrfs"]


def test_an_unreadable_listing_loads_nothing(tmp_path: Path) -> None:
    assert unregistered(["vfat"], str(tmp_path / "missing")) == []


def test_without_modprobe_nothing_is_started_and_the_log_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a directory with no modprobe in it
    said = io.StringIO()
    assert start_loading(["vfat", "xfs"], Logger("disks", stream=said)) == []
    assert said.getvalue().count("no modprobe: each filesystem's module is loaded") == 1
