"""The dracut module's flatcar flavour: the generator reads Flatcar's first-boot and
platform arguments and mounts the OEM partition at /oem before the fetch stages;
module-setup.sh installs the flavour only when IGNITION_PY_FLAVOUR=flatcar (the default
build stays upstream's, which test_dracut_contract checks)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.dracut_contract import _GENERATOR_RUN, module_setup_calls

REPO = Path(__file__).resolve().parents[2]
MODULE = REPO / "dracut" / "30ignition"


def _generate(
    tmp_path: Path,
    cmdline: str,
    *,
    flavour: str = "flatcar",
    live: bool = False,
    virt: str = "none",
) -> tuple[Path, dict[str, str]]:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        reason = "running the generator needs root and unshare (a private mount namespace)"
        print(reason)
        pytest.skip(reason)
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "cmdline").write_text(cmdline + "\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, script in (
        ("is-live-image", f"exit {0 if live else 1}"),
        ("systemd-detect-virt", f"echo {virt}; [ {virt} != none ]"),
    ):
        (bin_dir / name).write_text(f"#!/bin/sh\n{script}\n")
        (bin_dir / name).chmod(0o755)
    env = {
        **os.environ, "WORK": str(tmp_path), "GENERATOR": str(MODULE / "ignition-generator"),
        "IGNITION_PY_FLAVOUR": flavour,
    }  # fmt: skip
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", _GENERATOR_RUN],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    written = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return tmp_path / "units", written


def _queued(units: Path) -> set[str]:
    return {str(p.relative_to(units)) for p in units.rglob("*") if p.is_symlink()}


@pytest.mark.parametrize("argument", ["flatcar.first_boot=1", "coreos.first_boot=detected"])
def test_flatcar_first_boot_queues_provisioning_and_mounts_oem(
    tmp_path: Path, argument: str
) -> None:
    units, env = _generate(tmp_path, f"root=LABEL=ROOT {argument} flatcar.oem.id=ec2")
    assert "initrd.target.requires/ignition-complete.target" in _queued(units)
    assert "ignition-complete.target.requires/ignition-diskful.target" in _queued(units)
    assert env == {"PLATFORM_ID": "aws"}
    mount = (units / "oem.mount").read_text()
    assert "What=/dev/disk/by-label/OEM" in mount and "Where=/oem" in mount
    for unit in ("ignition-fetch-offline.service", "ignition-fetch.service"):
        drop_in = (units / f"{unit}.d" / "10-oem.conf").read_text()
        assert "Wants=oem.mount" in drop_in and "After=oem.mount" in drop_in


@pytest.mark.parametrize(
    ("cmdline", "virt", "platform"),
    [
        ("coreos.oem.id=gce", "none", "gcp"),
        ("flatcar.oem.id=pxe coreos.oem.id=ec2", "none", "metal"),
        ("quiet", "kvm", "qemu"),
        ("quiet", "none", "metal"),
        ("ignition.platform.id=azure flatcar.oem.id=ec2", "none", "azure"),
    ],
)
def test_flatcar_platform(tmp_path: Path, cmdline: str, virt: str, platform: str) -> None:
    _, env = _generate(tmp_path, f"flatcar.first_boot=1 {cmdline}", virt=virt)
    assert env == {"PLATFORM_ID": platform}


def test_no_oem_mount_on_later_boots_or_live_images(tmp_path: Path) -> None:
    units, _ = _generate(tmp_path / "later", "flatcar.first_boot=0")
    assert "initrd.target.requires/ignition-subsequent.target" in _queued(units)
    assert not (units / "oem.mount").exists()
    units, _ = _generate(tmp_path / "live", "flatcar.first_boot=1", live=True)
    assert "initrd.target.requires/ignition-complete.target" in _queued(units)
    assert not (units / "oem.mount").exists()


def test_without_the_flavour_flatcar_arguments_mean_nothing(tmp_path: Path) -> None:
    units, env = _generate(tmp_path, "flatcar.first_boot=1 flatcar.oem.id=ec2", flavour="")
    assert "initrd.target.requires/ignition-subsequent.target" in _queued(units)
    assert env == {"PLATFORM_ID": ""}
    assert not (units / "oem.mount").exists()


def test_module_setup_installs_the_flavour_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # dracut's inst_dir, recorded like the other install calls (an exported bash function)
    monkeypatch.setenv("BASH_FUNC_inst_dir%%", '() { log inst_dir "$@"; }')
    plain = module_setup_calls(MODULE)
    monkeypatch.setenv("IGNITION_PY_FLAVOUR", "flatcar")
    flavour = [
        "inst_multiple -o systemd-detect-virt",
        "inst_simple ignition-py-flavour.flatcar /etc/ignition-py/flavour",
        "inst_dir /usr/lib/ignition",
        "ln_r /oem/config.ign /usr/lib/ignition/user.ign",
        "ln_r /oem/base /usr/lib/ignition/base.d",
    ]
    flatcar = module_setup_calls(MODULE)
    assert [call for call in flatcar if call not in flavour] == plain
    assert [call for call in flatcar if call in flavour] == flavour
