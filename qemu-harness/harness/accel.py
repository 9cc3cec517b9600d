"""KVM where a stock kernel really boots with it, TCG everywhere else.

/dev/kvm can exist and still be unusable: on this project's machines it is a nested
backend where Debian's kernel hangs in its decompressor. So the probe boots the kernel
itself under KVM without a root filesystem: a working KVM gets it to its panic about the
missing root within seconds. The answer is cached per kernel version."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .cache import cache_dir
from .kernel import Kernel
from .shell import say

_PROBE_SECONDS = 20
_KERNEL_RAN_TO = "Kernel panic"  # about the missing root: the kernel booted


def _probe(kernel: Kernel) -> bool:
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False
    argv = [
        "qemu-system-x86_64", "-accel", "kvm", "-m", "256", "-display", "none",
        "-serial", "stdio", "-monitor", "none", "-no-reboot", "-kernel", str(kernel.vmlinuz),
        "-append", "console=ttyS0 panic=-1 root=/dev/nonexistent",
    ]  # fmt: skip
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=_PROBE_SECONDS)
    except subprocess.TimeoutExpired:
        return False
    return _KERNEL_RAN_TO in done.stdout


def accelerator(kernel: Kernel) -> str:
    """`kvm` or `tcg,thread=multi`; IGNITION_PY_HARNESS_ACCEL=kvm|tcg overrides the probe."""
    forced = os.environ.get("IGNITION_PY_HARNESS_ACCEL")
    if forced in ("kvm", "tcg"):
        return "kvm" if forced == "kvm" else "tcg,thread=multi"
    answer: Path = cache_dir("accel") / kernel.version
    if not answer.exists():
        say("probing whether this kernel boots under KVM (once per machine)")
        answer.write_text("kvm" if _probe(kernel) else "tcg")
    return "kvm" if answer.read_text() == "kvm" else "tcg,thread=multi"
