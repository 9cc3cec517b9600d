"""The QEMU command line of a test guest (see BOOT-NOTES.md, "QEMU command line that works")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

QEMU = "qemu-system-x86_64"
# x86-64-v2 plus AES-NI and carry-less multiply: enough for every host binary and the
# kernel's fast crypto paths. "-cpu max" boots about 50% slower under TCG (the kernel then
# picks AVX paths that QEMU emulates slowly) and once hung udevd loading AVX crypto.
TCG_CPU = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf-lm,+aes,+pclmulqdq"
KERNEL_ARGUMENTS = (
    "console=ttyS0,115200",
    "panic=-1",  # a crashed guest reboots at once, which -no-reboot turns into an exit
    "mitigations=off",  # speculation barriers only cost time under emulation
    "loglevel=4",
    "cryptomgr.notests=1",
)


@dataclass(frozen=True)
class Machine:
    kernel: Path
    initramfs: Path
    share_dir: Path  # read-write 9p tag "results": job.sh in, output and returncode out
    console_log: Path
    disks: Sequence[Path] = ()
    cdrom: Path | None = None
    accel: str = "tcg"
    memory_mib: int = 2048
    cpus: int = 2
    extra_args: Sequence[str] = field(default_factory=tuple)


def qemu_argv(machine: Machine) -> list[str]:
    accel = "tcg,thread=multi" if machine.accel == "tcg" else machine.accel
    argv = [
        QEMU,
        "-nodefaults",
        "-nographic",
        "-monitor", "none",
        "-no-reboot",
        "-accel", accel,
        "-cpu", TCG_CPU if machine.accel == "tcg" else "host",
        "-m", str(machine.memory_mib),
        "-smp", str(machine.cpus),
        "-nic", "none",
        "-serial", f"file:{machine.console_log}",
        "-kernel", str(machine.kernel),
        "-initrd", str(machine.initramfs),
        "-append", " ".join(KERNEL_ARGUMENTS),
        "-device", "virtio-rng-pci",
        "-fsdev", "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap",
        "-device", "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot",
        "-fsdev", f"local,id=results,path={_escape(machine.share_dir)},security_model=none",
        "-device", "virtio-9p-pci,fsdev=results,mount_tag=results",
    ]  # fmt: skip
    for index, disk in enumerate(machine.disks):
        argv += [
            "-drive", f"if=none,id=disk{index},format=raw,cache=unsafe,file={_escape(disk)}",
            "-device", f"virtio-blk-pci,drive=disk{index},serial=disk{index}",
        ]  # fmt: skip
    if machine.cdrom is not None:
        iso = _escape(machine.cdrom)
        argv += [
            "-device", "virtio-scsi-pci,id=scsi0",
            "-drive", f"if=none,id=cdrom,media=cdrom,readonly=on,format=raw,file={iso}",
            "-device", "scsi-cd,bus=scsi0.0,drive=cdrom",
        ]  # fmt: skip
    return argv + list(machine.extra_args)


def _escape(path: Path) -> str:
    """QEMU's option syntax doubles a comma inside a value."""
    return str(path.resolve()).replace(",", ",,")
