"""The one QEMU layer (qemu-harness/harness: qemu, accel) builds both kinds of VM the
project boots: the guest tier's and the harness's provisioning boots. No QEMU runs here."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from harness import accel, qemu
from harness.kernel import Kernel

KERNEL = Kernel("6.1.0-0-amd64", Path("/k/boot/vmlinuz-6.1.0-0-amd64"), Path("/k/lib/modules/x"))


def _pairs(argv: list[str], option: str) -> list[str]:
    return [argv[i + 1] for i, arg in enumerate(argv) if arg == option]


def test_guest_vm_argv_shares_disks_and_scsi_cdrom(tmp_path: Path) -> None:
    disks = (tmp_path / "a.img", tmp_path / "b,c.img")
    vm = qemu.VM(
        KERNEL, tmp_path / "initramfs.img", "loglevel=4", disks=disks,
        cdrom=tmp_path / "cd.iso", cdrom_bus="scsi", accel="tcg",
        shares=(qemu.Share("hostroot", Path("/"), readonly=True), qemu.Share("results", tmp_path)),
        extra_args=("-append", "override"),
    )  # fmt: skip
    argv = qemu.vm_argv(vm)
    assert _pairs(argv, "-kernel") == [str(KERNEL.boot_image)]
    assert _pairs(argv, "-cpu") == [qemu.TCG_CPU]
    assert _pairs(argv, "-accel") == ["tcg,thread=multi"]
    assert _pairs(argv, "-append")[0].split() == [*qemu.MACHINE_KERNEL_ARGS, "loglevel=4"]
    assert argv[-2:] == ["-append", "override"]  # extra arguments come last and win
    fsdevs = _pairs(argv, "-fsdev")
    assert fsdevs[0] == "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
    assert fsdevs[1] == f"local,id=results,path={tmp_path},security_model=none"
    drives = _pairs(argv, "-drive")
    assert drives[1].endswith(f"file={tmp_path}/b,,c.img")  # QEMU's comma escape
    assert "virtio-blk-pci,drive=disk1,serial=disk1" in _pairs(argv, "-device")
    assert "scsi-cd,bus=scsi0.0,drive=cdrom" in _pairs(argv, "-device")
    assert _pairs(argv, "-nic") == ["none"]


def test_harness_machine_argv_fw_cfg_network_and_ide_cdrom(tmp_path: Path) -> None:
    machine = qemu.Machine(
        KERNEL, tmp_path / "initramfs.img", [tmp_path / "root.img"], "azure",
        fw_cfg_config=tmp_path / "config.ign", cdrom=tmp_path / "cd.iso",
        metadata_relay="relay-command",
    )  # fmt: skip
    argv = qemu.vm_argv(dataclasses.replace(machine.vm(), accel="kvm"))
    assert _pairs(argv, "-cpu") == ["host"] and _pairs(argv, "-accel") == ["kvm"]
    append = _pairs(argv, "-append")[0]
    assert "ignition.platform.id=azure" in append and append.endswith("rd.neednet=1")
    assert _pairs(argv, "-fw_cfg") == [f"name=opt/com.coreos/config,file={tmp_path}/config.ign"]
    assert f"media=cdrom,if=ide,readonly=on,format=raw,file={tmp_path}/cd.iso" in _pairs(
        argv, "-drive"
    )
    assert "guestfwd=tcp:169.254.169.254:80-cmd:relay-command" in _pairs(argv, "-netdev")[0]
    assert "-nic" not in argv


@pytest.mark.parametrize("forced", ["tcg", "kvm"])
def test_forced_accelerator_skips_the_probe(monkeypatch: pytest.MonkeyPatch, forced: str) -> None:
    monkeypatch.setenv(accel.ACCEL_VARIABLE, forced)
    monkeypatch.setattr(accel, "_probe", lambda kernel: pytest.fail("probed"))
    assert accel.accelerator(KERNEL) == forced


def test_an_unknown_forced_accelerator_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(accel.ACCEL_VARIABLE, "hvf")
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    reason = qemu.unavailable_reason()
    assert reason == f"{accel.ACCEL_VARIABLE}=hvf is neither tcg nor kvm"
