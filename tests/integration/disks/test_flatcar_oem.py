"""Flatcar's OEM partition in the disks stage (its patch 0008, flatcar flavour): a
filesystem labelled OEM is reused whatever its format, so a config written for the old OEM
format still boots; any other mismatch is still refused, and so is the OEM one in the
default build."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.flavour import flavour_env
from testkit.loopdisks import Before, Runner, fingerprint, loop_disks


def _config(device: str, label: str, **extra: object) -> dict[str, object]:
    fs = {"device": device, "format": "btrfs", "label": label, **extra}
    return {"ignition": {"version": "3.4.0"}, "storage": {"filesystems": [fs]}}


@pytest.mark.parametrize("flavour", ["flatcar", ""])
def test_an_oem_labelled_ext4_is_kept_when_the_config_says_btrfs(
    tmp_path: Path, flavour: str
) -> None:
    root = tmp_path / "sysroot"
    root.mkdir()
    before = Before(mkfs=((0, "ext4", "OEM"),), files=((0, "/config.ign", "{}"),))
    with loop_disks((before,), tmp_path) as disks:
        device = disks[0].device
        was = fingerprint(disks[0])
        runner = Runner(tmp_path, env=flavour_env(tmp_path / "etc", flavour))
        result = runner.stage("disks", _config(device, "OEM"), root)
        if flavour:
            assert result.returncode == 0, result.output
            assert "already correctly formatted. Skipping mkfs" in result.output
        else:
            assert result.returncode == 1
            assert "is not of the correct type" in result.output
        assert fingerprint(disks[0]) == was


def test_any_other_label_still_refuses_the_mismatch(tmp_path: Path) -> None:
    root = tmp_path / "sysroot"
    root.mkdir()
    with loop_disks((Before(mkfs=((0, "ext4", "DATA"),)),), tmp_path) as disks:
        device = disks[0].device
        was = fingerprint(disks[0])
        runner = Runner(tmp_path, env=flavour_env(tmp_path / "etc", "flatcar"))
        result = runner.stage("disks", _config(device, "DATA"), root)
        assert result.returncode == 1
        assert "is not of the correct type" in result.output
        assert fingerprint(disks[0]) == was
