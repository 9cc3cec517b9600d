"""The one QEMU layer: the command line of every VM the project boots (the harness's
provisioning boots and the guest test tier), and a run with serial capture, a deadline and
a host-wide lock. See BOOT-NOTES.md, "QEMU command line that works"."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .accel import ACCEL_VARIABLE, accelerator, forced_accelerator
from .cache import host_lock
from .console import POWER_OFF, BootLog
from .kernel import Kernel
from .shell import say

QEMU = "qemu-system-x86_64"
# x86-64-v2 plus AES-NI and carry-less multiply: enough for every host binary and the
# kernel's fast crypto paths. "-cpu max" boots about 50% slower under TCG (the kernel then
# picks AVX paths that QEMU emulates slowly) and once hung udevd loading AVX crypto.
TCG_CPU = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf-lm,+aes,+pclmulqdq"
MACHINE_KERNEL_ARGS = (
    "console=ttyS0,115200",
    "panic=-1",  # a crashed guest reboots at once, which -no-reboot turns into an exit
    "mitigations=off",  # speculation barriers only cost time under emulation
    "cryptomgr.notests=1",
    # The early IO-APIC timer check counts ticks against a delay loop: on a loaded host TCG
    # misses it and the kernel panics ("IO-APIC + timer doesn't work"). Cloud images skip it.
    "no_timer_check",
)
GUEST_MAC = "52:54:00:12:34:56"  # fixed, so that `ifname=NAME:MAC` can name the interface
HARNESS_KERNEL_ARGS = (
    "root=LABEL=root rw rootfstype=ext4 rd.shell=0 "
    "rd.emergency=poweroff systemd.journald.forward_to_console=1 systemd.show_status=1"
)


@dataclass(frozen=True)
class Share:
    """A host folder the guest mounts over 9p (virtio) by its tag."""

    tag: str
    path: Path
    readonly: bool = False


@dataclass(frozen=True)
class VM:
    """One VM: Debian's kernel, an initramfs, and what is attached to it."""

    kernel: Kernel
    initramfs: Path
    append: str  # kernel arguments after MACHINE_KERNEL_ARGS
    disks: tuple[Path, ...] = ()  # raw images: virtio /dev/vda, vdb... by-id virtio-diskN
    cdrom: Path | None = None
    cdrom_bus: str = "ide"  # "ide" (/dev/sr0 through ata) or "scsi" (virtio-scsi)
    shares: tuple[Share, ...] = ()
    fw_cfg: tuple[tuple[str, Path], ...] = ()  # (name, file), e.g. opt/com.coreos/config
    netdev: str | None = None  # a -netdev spec with id=n0; None: no network card
    accel: str | None = None  # "kvm" or "tcg"; None: accel.accelerator(kernel)
    memory_mib: int = 1024
    cpus: int = 2
    extra_args: tuple[str, ...] = ()  # last, so they override (a later -append wins)


@dataclass(frozen=True)
class VMRun:
    status: int | None  # QEMU's exit status; None when it was killed at the deadline
    lines: list[tuple[float, str]]  # serial console and QEMU's own messages, seconds from start
    elapsed_seconds: float  # QEMU start to exit (time waiting for the lock excluded)

    @property
    def console(self) -> str:
        return "\n".join(line for _, line in self.lines)


def unavailable_reason() -> str | None:
    """Why no VM can boot on this machine (a missing tool, a bad accelerator choice), or
    None when they can; the kernel itself is fetched on first use."""
    if shutil.which(QEMU) is None:
        return f"{QEMU} is not installed (Debian package qemu-system-x86)"
    for tool, package in (("apt-get", "apt"), ("dpkg-deb", "dpkg"), ("depmod", "kmod")):
        if shutil.which(tool) is None:
            return f"{tool} is missing (package {package}): it fetches the guest kernel"
    forced = forced_accelerator()
    if forced not in (None, "tcg", "kvm"):
        return f"{ACCEL_VARIABLE}={forced} is neither tcg nor kvm"
    if forced == "kvm" and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return f"{ACCEL_VARIABLE}=kvm but /dev/kvm is not usable"
    return None


def vm_argv(vm: VM) -> list[str]:
    """QEMU's argv for `vm`: serial console on stdout, no monitor, no reboot, no defaults."""
    accel = vm.accel or accelerator(vm.kernel)
    argv = [
        QEMU, "-nodefaults", "-display", "none", "-monitor", "none", "-no-reboot",
        "-accel", "tcg,thread=multi" if accel == "tcg" else accel,
        "-cpu", TCG_CPU if accel == "tcg" else "host",
        "-m", str(vm.memory_mib), "-smp", str(vm.cpus), "-serial", "stdio",
        "-kernel", str(vm.kernel.boot_image), "-initrd", str(vm.initramfs),
        "-append", " ".join((*MACHINE_KERNEL_ARGS, vm.append)).strip(),
        "-device", "virtio-rng-pci",
    ]  # fmt: skip
    for share in vm.shares:
        fsdev = f"local,id={share.tag},path={_escape(share.path)},security_model=none"
        if share.readonly:
            fsdev += ",readonly=on,multidevs=remap"
        argv += [
            "-fsdev",
            fsdev,
            "-device",
            f"virtio-9p-pci,fsdev={share.tag},mount_tag={share.tag}",
        ]
    for index, disk in enumerate(vm.disks):
        argv += [
            "-drive", f"if=none,id=disk{index},format=raw,cache=unsafe,file={_escape(disk)}",
            "-device", f"virtio-blk-pci,drive=disk{index},serial=disk{index}",
        ]  # fmt: skip
    if vm.cdrom is not None:
        iso = _escape(vm.cdrom)
        if vm.cdrom_bus == "scsi":
            argv += [
                "-device", "virtio-scsi-pci,id=scsi0",
                "-drive", f"if=none,id=cdrom,media=cdrom,readonly=on,format=raw,file={iso}",
                "-device", "scsi-cd,bus=scsi0.0,drive=cdrom",
            ]  # fmt: skip
        else:
            argv += ["-drive", f"media=cdrom,if=ide,readonly=on,format=raw,file={iso}"]
    for name, file in vm.fw_cfg:
        argv += ["-fw_cfg", f"name={name},file={_escape(file)}"]
    if vm.netdev is not None:
        argv += ["-netdev", vm.netdev, "-device", f"virtio-net-pci,netdev=n0,mac={GUEST_MAC}"]
    else:
        argv += ["-nic", "none"]
    return argv + list(vm.extra_args)


def run_vm(vm: VM, timeout: float, on_line: Callable[[float, str], None] | None = None) -> VMRun:
    """Boot `vm` and wait until QEMU exits, the guest says it powered off (a halted guest
    keeps QEMU alive), or `timeout` seconds pass (QEMU killed, status None). One VM at a
    time host-wide; the wait for that lock does not count against `timeout`. Each console
    line (CR/LF stripped) goes to `on_line(seconds_since_start, line)` as it arrives."""
    argv = vm_argv(vm)
    lines: list[tuple[float, str]] = []
    with host_lock("qemu"):
        started = time.monotonic()
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        assert process.stdout is not None
        stdout = process.stdout

        def read() -> None:
            for raw in iter(stdout.readline, b""):
                when = time.monotonic() - started
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                lines.append((when, line))
                if on_line is not None:
                    on_line(when, line)
                if POWER_OFF.search(line):
                    time.sleep(0.5)
                    process.terminate()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        status: int | None
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            status = None
        reader.join(timeout=5)
        return VMRun(status, lines, time.monotonic() - started)


def _escape(path: Path) -> str:
    """QEMU's option syntax doubles a comma inside a value."""
    return str(path.resolve()).replace(",", ",,")


@dataclass
class Machine:
    """A provisioning boot of the harness: the target image, a data disk and a platform."""

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
    # what says "first boot, on this platform": upstream's arguments unless replaced
    first_boot_args: tuple[str, ...] | None = None

    def vm(self) -> VM:
        needs_network = self.metadata_relay is not None
        first_boot = self.first_boot_args
        if first_boot is None:
            first_boot = ("ignition.firstboot=1", f"ignition.platform.id={self.platform}")
        append = " ".join((HARNESS_KERNEL_ARGS, *first_boot)) + " "
        append += "rd.neednet=1" if needs_network else "rd.neednet=0"
        append = " ".join([append, *self.kernel_args])
        netdev = None
        if needs_network:
            # QEMU accepts a guest forward to 169.254.169.254 only on a link-local user net.
            netdev = (
                "user,id=n0,net=169.254.0.0/16,host=169.254.0.2,dhcpstart=169.254.0.15,"
                f"guestfwd=tcp:169.254.169.254:80-cmd:{self.metadata_relay}"
            )
        fw_cfg: tuple[tuple[str, Path], ...] = ()
        if self.fw_cfg_config is not None:
            fw_cfg = (("opt/com.coreos/config", self.fw_cfg_config),)
        return VM(
            self.kernel, self.initramfs, append, disks=tuple(self.disks), cdrom=self.cdrom,
            fw_cfg=fw_cfg, netdev=netdev, memory_mib=self.memory_mib,
            extra_args=tuple(self.extra_args),
        )  # fmt: skip

    def argv(self) -> list[str]:
        return vm_argv(self.vm())


def boot(machine: Machine, timeout: float, serial_log: Path) -> tuple[BootLog, int | None]:
    """Run the provisioning VM until it powers off or the deadline; returns the log (also
    written to `serial_log`) and QEMU's status (None: killed at the deadline)."""
    log = BootLog()
    result = run_vm(machine.vm(), timeout, on_line=log.add)
    if result.status is None:
        say(f"the VM did not power off within {timeout:.0f} s: stopped it")
    log.milestones["qemu_exit"] = result.elapsed_seconds
    serial_log.write_text(log.text() + "\n")
    return log, result.status
