"""Run a command as root inside a throwaway QEMU guest that boots Debian's kernel and sees
the host's / (read-only, with a tmpfs overlay on top so it can write), for the tests that
need kernel features this machine's kernel lacks: device-mapper/LUKS, md RAID, vfat,
iso9660 and udf mounts, a CD-ROM drive.

    result = run_in_guest([".venv/bin/python", "-m", "pytest", "..."],
                          disks=[a_img, b_img], cdrom=iso, timeout=300.0,
                          env={"NAME": "value"}, cwd="/work/main")
    result.returncode, result.output (stdout+stderr), result.console (serial log)

In the guest: `disks` are /dev/vda, /dev/vdb... in order (by-id: virtio-disk0, ...),
`cdrom` is /dev/sr0, systemd-udevd runs and has settled (so /dev/disk/by-* exist), lo is
up, the host's files (venv, repo, tools, files under /tmp made before the call) are at the
same paths, and IGNITION_PY_VM_GUEST=1 is set. The kernel scans partition tables itself
there (unlike the host's loop devices). The root is not a chroot: udevadm and friends act.
Writes outside the disks are lost at power-off. Modules load on demand (mount, dm, md,
crypto) as on an installed system.

The kernel, the accelerator (TCG unless a stock kernel really boots under KVM;
IGNITION_PY_HARNESS_ACCEL=kvm|tcg forces one), QEMU's command line and the run come from
the harness's QEMU layer (qemu-harness/harness: kernel, accel, qemu), shared with the
provisioning boots. Guests run one at a time host-wide (a lock); waiting for it does not
count against `timeout`. A guest that gives no exit code (boot failure, crash, timeout)
raises GuestError with the console and output so far. guest_unavailable_reason() says
why guests cannot run here at all (tests skip with it).
"""

from __future__ import annotations

import os
import re
import shlex
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from harness import qemu

from tests.vm import artifacts
from tests.vm.initramfs import BUSYBOX

REPO_ROOT = str(Path(__file__).resolve().parents[2])
GUEST_MARKER_VARIABLE = "IGNITION_PY_VM_GUEST"
BASE_ENVIRONMENT = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "TERM": "dumb",
    GUEST_MARKER_VARIABLE: "1",
}
GUEST_KERNEL_ARGS = "loglevel=4"
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class GuestResult:
    returncode: int
    output: str  # the command's stdout and stderr, interleaved
    console: str  # the serial console: kernel messages and the init's progress lines
    boot_seconds: float  # guest uptime when the command started (udev settled)
    elapsed_seconds: float  # QEMU start to QEMU exit, on the host's clock


class GuestError(RuntimeError):
    """The guest gave no exit code: it could not run, failed to boot, crashed or timed out."""

    def __init__(self, message: str, output: str = "", console: str = "") -> None:
        super().__init__(f"{message}\n{_tail('output', output)}\n{_tail('console', console)}")
        self.output = output
        self.console = console


def _tail(title: str, text: str, lines: int = 40) -> str:
    kept = text.splitlines()[-lines:]
    return f"--- last {len(kept)} lines of the guest's {title} ---\n" + "\n".join(kept)


def guest_unavailable_reason() -> str | None:
    """Why guests cannot run on this machine, or None when they can."""
    if os.geteuid() != 0:
        return "guest tests need root (QEMU exports the host's / to the guest)"
    reason = qemu.unavailable_reason()
    if reason is not None:
        return reason
    if not BUSYBOX.is_file():
        return f"{BUSYBOX} is missing (Debian package busybox-static)"
    return None


def job_script(argv: Sequence[str], env: Mapping[str, str], cwd: str) -> str:
    """The script the guest runs with the host's /bin/sh, started under `env -i`."""
    if not argv:
        raise ValueError("run_in_guest needs a command")
    lines = ["#!/bin/sh"]
    for name, value in {**BASE_ENVIRONMENT, **env}.items():
        if not _ENV_NAME.fullmatch(name):
            raise ValueError(f"environment variable name {name!r} is not a shell name")
        lines.append(f"export {name}={shlex.quote(value)}")
    lines.append(f"cd {shlex.quote(cwd)} || exit 125")
    lines.append("exec " + " ".join(shlex.quote(arg) for arg in argv))
    return "\n".join(lines) + "\n"


def run_in_guest(
    argv: Sequence[str],
    disks: Sequence[Path] = (),
    cdrom: Path | None = None,
    timeout: float = 300.0,
    env: Mapping[str, str] | None = None,
    cwd: str = REPO_ROOT,
    memory_mib: int = 2048,
    extra_qemu_args: Sequence[str] = (),
) -> GuestResult:
    """Boot a guest, run `argv` in it as root, power it off; see the module docstring."""
    reason = guest_unavailable_reason()
    if reason is not None:
        raise GuestError(f"guests cannot run here: {reason}")
    for image in [*disks, *([cdrom] if cdrom is not None else [])]:
        if not Path(image).is_file():
            raise FileNotFoundError(f"guest disk image {image} does not exist")
    script = job_script(argv, env or {}, cwd)
    images = artifacts.guest_images()
    with tempfile.TemporaryDirectory(prefix="ignition-py-vm-") as share:
        share_dir = Path(share)
        (share_dir / "job.sh").write_text(script)
        vm = qemu.VM(
            images.kernel,
            images.initramfs,
            GUEST_KERNEL_ARGS,
            disks=tuple(Path(disk) for disk in disks),
            cdrom=None if cdrom is None else Path(cdrom),
            cdrom_bus="scsi",
            shares=(
                qemu.Share("hostroot", Path("/"), readonly=True),
                qemu.Share("results", share_dir),
            ),
            memory_mib=memory_mib,
            extra_args=tuple(extra_qemu_args),
        )
        return _result(qemu.run_vm(vm, timeout), share_dir, timeout)


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""


def _result(run: qemu.VMRun, share: Path, timeout: float) -> GuestResult:
    output, console = _read(share / "output"), run.console
    if run.status is None:
        message = f"the guest did not finish within {timeout:g} s (QEMU killed)"
        raise GuestError(message, output, console)
    returncode = _read(share / "returncode").strip()
    if not returncode:
        message = f"the guest reported no exit code (QEMU exited with {run.status})"
        raise GuestError(message, output, console)
    return GuestResult(
        returncode=int(returncode),
        output=output,
        console=console,
        boot_seconds=float(_read(share / "started").strip() or "nan"),
        elapsed_seconds=run.elapsed_seconds,
    )


def check_names(module: ModuleType) -> list[str]:
    """The test functions of a module of guest checks (run in the guest by pytest -rA)."""
    return [name for name in dir(module) if name.startswith("test_")]


def check_passed(result: GuestResult, check: str) -> bool:
    """Whether pytest -rA in the guest reported `check` as PASSED."""
    return re.search(rf"^PASSED \S+::{check}$", result.output, re.MULTILINE) is not None
