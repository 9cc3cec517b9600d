"""The QEMU command line that works on this machine kind, and a boot with a deadline."""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .accel import accelerator
from .console import POWER_OFF, BootLog
from .kernel import Kernel
from .shell import say

KERNEL_ARGS = (
    "console=ttyS0,115200 root=LABEL=root rw rootfstype=ext4 ignition.firstboot=1 "
    "rd.shell=0 rd.emergency=poweroff panic=-1 systemd.journald.forward_to_console=1 "
    "systemd.show_status=1"
)

GUEST_MAC = "52:54:00:12:34:56"  # fixed, so that `ifname=NAME:MAC` can name the interface


@dataclass
class Machine:
    kernel: Kernel
    initramfs: Path
    disks: list[Path]
    platform: str
    fw_cfg_config: Path | None = None
    cdrom: Path | None = None
    metadata_relay: str | None = None  # command QEMU runs per connection to 169.254.169.254:80
    memory_mib: int = 1024
    extra_args: list[str] = field(default_factory=list)
    kernel_args: list[str] = field(default_factory=list)  # appended: later ones win

    def argv(self) -> list[str]:
        needs_network = self.metadata_relay is not None
        append = f"{KERNEL_ARGS} ignition.platform.id={self.platform} "
        append += "rd.neednet=1" if needs_network else "rd.neednet=0"
        append = " ".join([append, *self.kernel_args])
        argv = [
            "qemu-system-x86_64", "-accel", accelerator(self.kernel), "-m", str(self.memory_mib),
            "-smp", "2", "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot", "-kernel", str(self.kernel.vmlinuz), "-initrd", str(self.initramfs),
            "-append", append, "-device", "virtio-rng-pci",
        ]  # fmt: skip
        for disk in self.disks:
            argv += ["-drive", f"if=virtio,format=raw,cache=unsafe,file={disk}"]
        if self.cdrom is not None:
            argv += ["-drive", f"media=cdrom,if=ide,readonly=on,format=raw,file={self.cdrom}"]
        if self.fw_cfg_config is not None:
            argv += ["-fw_cfg", f"name=opt/com.coreos/config,file={self.fw_cfg_config}"]
        if needs_network:
            # QEMU accepts a guest forward to 169.254.169.254 only on a link-local user net.
            netdev = (
                "user,id=n0,net=169.254.0.0/16,host=169.254.0.2,dhcpstart=169.254.0.15,"
                f"guestfwd=tcp:169.254.169.254:80-cmd:{self.metadata_relay}"
            )
            argv += ["-netdev", netdev, "-device", f"virtio-net-pci,netdev=n0,mac={GUEST_MAC}"]
        else:
            argv += ["-nic", "none"]
        return argv + self.extra_args


def boot(machine: Machine, timeout: float, serial_log: Path) -> tuple[BootLog, int | None]:
    """Run the VM until it powers off or the deadline; returns the log and QEMU's status."""
    log = BootLog()
    started = time.monotonic()
    process = subprocess.Popen(
        machine.argv(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        for raw in iter(stdout.readline, b""):
            log.add(time.monotonic() - started, raw.decode("utf-8", "replace"))
            if POWER_OFF.search(log.lines[-1][1]):
                # A halted guest keeps QEMU alive: end it once the kernel says so.
                time.sleep(0.5)
                process.terminate()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    status: int | None
    try:
        status = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        say(f"the VM did not power off within {timeout:.0f} s: stopping it")
        process.kill()
        process.wait()
        status = None
    reader.join(timeout=5)
    log.milestones["qemu_exit"] = time.monotonic() - started
    serial_log.write_text(log.text() + "\n")
    return log, status
