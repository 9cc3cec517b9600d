"""KVM where a stock kernel really boots with it, TCG everywhere else; for every VM the
project boots (harness and guest tier).

/dev/kvm can exist and still be unusable: on this project's machines it is a nested
backend where Debian's kernel hangs early (both the bzImage and the PVH vmlinux). So the
probe boots the kernel itself under KVM without a root filesystem: a working KVM gets it
to its panic about the missing root within seconds. The answer is cached per kernel
version."""

from __future__ import annotations

import os
import subprocess

from .cache import cache_dir
from .kernel import Kernel
from .shell import say

ACCEL_VARIABLE = "IGNITION_PY_HARNESS_ACCEL"
_PROBE_SECONDS = 20
_KERNEL_RAN_TO = "Kernel panic"  # about the missing root: the kernel booted


def _probe(kernel: Kernel) -> bool:
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    argv = [
        "qemu-system-x86_64", "-accel", "kvm", "-m", "256", "-display", "none",
        "-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", str(kernel.boot_image),
        "-append", "console=ttyS0 panic=-1 root=/dev/nonexistent",
    ]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=_PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return False
    return _KERNEL_RAN_TO in done.stdout


def forced_accelerator() -> str | None:
    """The value of IGNITION_PY_HARNESS_ACCEL if set (any string; callers reject others
    than kvm and tcg), else None."""
    return os.environ.get(ACCEL_VARIABLE) or None


def accelerator(kernel: Kernel) -> str:
    """`kvm` or `tcg`. IGNITION_PY_HARNESS_ACCEL=kvm|tcg overrides the probe; otherwise the
    probe's answer for this kernel version (probed once per machine, up to 20 s)."""
    forced = forced_accelerator()
    if forced in ("kvm", "tcg"):
        return forced
    answer = cache_dir("accel") / kernel.version
    if not answer.exists():
        say("probing whether this kernel boots under KVM (once per machine)")
        answer.write_text("kvm" if _probe(kernel) else "tcg")
    return "kvm" if answer.read_text() == "kvm" else "tcg"
