"""The dracut module's flatcar flavour: the generator reads Flatcar's first-boot and
platform arguments and, on a first boot from disk, queues the OEM setup (Flatcar's
ignition-setup: configs copied from the OEM partition, kept at /oem for oem:// but not
while the disks stage runs, and gone before switch-root); module-setup.sh installs the
flavour only when IGNITION_PY_FLAVOUR=flatcar and refuses any other value (the default build
stays upstream's, which test_dracut_contract checks)."""

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
    (tmp_path / "flavour").write_text(f"{flavour}\n")
    env = {
        **os.environ, "WORK": str(tmp_path), "GENERATOR": str(MODULE / "ignition-generator"),
        "IGNITION_PY_FLAVOUR_FILE": str(tmp_path / "flavour"),
    }  # fmt: skip
    env.pop("IGNITION_PY_FLAVOUR", None)
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "bash", "-c", _GENERATOR_RUN],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    written = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    return tmp_path / "units", written


def _queued(units: Path) -> set[str]:
    return {str(p.relative_to(units)) for p in units.rglob("*") if p.is_symlink()}


@pytest.mark.parametrize("argument", ["flatcar.first_boot=1", "coreos.first_boot=detected"])
def test_flatcar_first_boot_queues_provisioning_and_the_oem_setup(
    tmp_path: Path, argument: str
) -> None:
    units, env = _generate(tmp_path, f"root=LABEL=ROOT {argument} flatcar.oem.id=ec2")
    assert "initrd.target.requires/ignition-complete.target" in _queued(units)
    assert "ignition-complete.target.requires/ignition-diskful.target" in _queued(units)
    assert "ignition-complete.target.requires/ignition-py-oem.service" in _queued(units)
    assert env == {"PLATFORM_ID": "ec2"}  # the agent maps Flatcar's names
    assert not (units / "oem.mount").exists()
    # the OEM filesystem is not busy while the disks stage may wipe or format it
    drop_in = (units / "ignition-disks.service.d" / "10-oem.conf").read_text()
    assert "After=ignition-py-oem.service" in drop_in
    assert "ExecStartPre=-/usr/bin/umount /oem" in drop_in


def test_the_oem_setup_unit_is_done_before_fetch_and_undone_before_switch_root() -> None:
    unit = (MODULE / "flatcar" / "ignition-py-oem.service").read_text()
    for line in (
        "Before=ignition-fetch-offline.service ignition-fetch.service",
        "Conflicts=initrd-switch-root.target",
        "Before=initrd-switch-root.target",
        "RemainAfterExit=yes",
        "ExecStop=-/usr/bin/umount /oem",
    ):
        assert line in unit.splitlines(), line


@pytest.mark.parametrize(
    ("cmdline", "virt", "platform"),
    [
        ("coreos.oem.id=gce", "none", "gce"),
        ("flatcar.oem.id=ami", "none", "ami"),
        ("flatcar.oem.id=pxe coreos.oem.id=ec2", "none", "pxe"),
        # Flatcar's generator: flatcar.oem.id equal to the detected default defers to coreos.oem.id
        ("flatcar.oem.id=qemu coreos.oem.id=ec2", "kvm", "ec2"),
        ("flatcar.oem.id=metal coreos.oem.id=ec2", "kvm", "metal"),
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
    assert "ignition-complete.target.requires/ignition-py-oem.service" not in _queued(units)
    units, _ = _generate(tmp_path / "live", "flatcar.first_boot=1", live=True)
    assert "initrd.target.requires/ignition-complete.target" in _queued(units)
    assert "ignition-complete.target.requires/ignition-py-oem.service" not in _queued(units)


def test_without_the_flavour_flatcar_arguments_mean_nothing(tmp_path: Path) -> None:
    units, env = _generate(tmp_path, "flatcar.first_boot=1 flatcar.oem.id=ec2", flavour="")
    assert "initrd.target.requires/ignition-subsequent.target" in _queued(units)
    assert env == {"PLATFORM_ID": ""}
    assert not (units / "ignition-disks.service.d").exists()


def test_module_setup_installs_the_flavour_only_when_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # dracut's inst_dir, recorded like the other install calls (an exported bash function)
    monkeypatch.setenv("BASH_FUNC_inst_dir%%", '() { log inst_dir "$@"; }')
    plain = module_setup_calls(MODULE)
    monkeypatch.setenv("IGNITION_PY_FLAVOUR", "flatcar")
    flavour = [
        "inst_multiple -o systemd-detect-virt",
        "inst_multiple cp mkdir mount umount",
        "inst_simple flatcar/flavour /etc/ignition-py/flavour",
        "inst_script flatcar/ignition-py-oem-setup /usr/sbin/ignition-py-oem-setup",
        "inst_simple flatcar/ignition-py-oem.service"
        " /usr/lib/systemd/system/ignition-py-oem.service",
    ]
    flatcar = module_setup_calls(MODULE)
    assert [call for call in flatcar if call not in flavour] == plain
    assert [call for call in flatcar if call in flavour] == flavour


@pytest.mark.parametrize("value", ["Flatcar", "coreos", "flatcar "])
def test_module_setup_refuses_an_unknown_flavour(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("IGNITION_PY_FLAVOUR", value)
    with pytest.raises(subprocess.CalledProcessError) as failed:
        module_setup_calls(MODULE)
    assert f"dfatal ignition: unknown IGNITION_PY_FLAVOUR '{value}'" in failed.value.stdout
