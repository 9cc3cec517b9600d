"""The harness's Flatcar-style boot: the kernel command line says first boot with
Flatcar's arguments in place of upstream's."""

from __future__ import annotations

from pathlib import Path

from harness import qemu
from harness.kernel import Kernel

KERNEL = Kernel("6.1.0-0-amd64", Path("/nonexistent/vmlinuz"), Path("/nonexistent/modules"))


def test_first_boot_arguments_are_upstreams_unless_replaced(tmp_path: Path) -> None:
    machine = qemu.Machine(KERNEL, tmp_path / "i.img", [tmp_path / "r.img"], "qemu")
    assert "ignition.firstboot=1 ignition.platform.id=qemu" in machine.vm().append
    machine.first_boot_args = ("flatcar.first_boot=1", "flatcar.oem.id=qemu")
    append = machine.vm().append
    assert "flatcar.first_boot=1 flatcar.oem.id=qemu" in append
    assert "ignition.firstboot" not in append and "ignition.platform.id" not in append
