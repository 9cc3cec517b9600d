"""Debian's own kernel for every VM the project boots (the harness's provisioning boots and
the guest test tier): the package linux-image-amd64 depends on now, fetched with apt and
unpacked without installing it, with a fresh modules.dep, cached per kernel version."""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .cache import cache_dir, host_lock
from .shell import HarnessError, run, say
from .vmlinux import pvh_vmlinux

KERNEL_META_PACKAGE = "linux-image-amd64"
_DEPENDS = re.compile(r"^\s*Depends:\s*(linux-image-(\d[\w.+-]*-amd64))\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Kernel:
    version: str  # e.g. "6.1.0-57-amd64"
    vmlinuz: Path  # the package's compressed bzImage
    modules_dir: Path  # .../lib/modules/VERSION, with modules.dep

    @property
    def boot_image(self) -> Path:
        """What QEMU's -kernel loads: the uncompressed vmlinux with a PVH entry when the
        bzImage holds one (saves the decompressor's ~3 s under TCG), else the bzImage."""
        return self.vmlinuz.parent / "vmlinux-pvh"


@functools.cache
def current_kernel_package() -> tuple[str, str]:
    """(package, version) that linux-image-amd64 depends on now, e.g.
    ("linux-image-6.1.0-57-amd64", "6.1.0-57-amd64"). Updates apt's lists once if the
    meta package is unknown (a fresh machine that never ran apt-get update).
    Raises HarnessError when apt names no such dependency."""
    argv = ["apt-cache", "depends", KERNEL_META_PACKAGE]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        run(["apt-get", "update", "-qq"])
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
    match = _DEPENDS.search(done.stdout)
    if match is None:
        raise HarnessError(f"no linux-image-*-amd64 dependency in `{' '.join(argv)}`")
    return match.group(1), match.group(2)


def debian_kernel() -> Kernel:
    """The current Debian kernel, unpacked under CACHE_ROOT/kernel/VERSION/root (built once,
    under a host-wide lock). Raises HarnessError when apt or dpkg fail."""
    package, version = current_kernel_package()
    where = cache_dir("kernel", version)
    root = where / "root"
    kernel = Kernel(
        version, root / "boot" / f"vmlinuz-{version}", root / "lib" / "modules" / version
    )
    if (kernel.modules_dir / "modules.dep").exists() and kernel.boot_image.exists():
        return kernel
    with host_lock("kernel"):
        if not (kernel.modules_dir / "modules.dep").exists():
            _unpack(package, kernel, where)
        if not kernel.boot_image.exists():
            bzimage = kernel.vmlinuz.read_bytes()
            partial = kernel.boot_image.with_name("vmlinux-pvh.partial")
            partial.write_bytes(pvh_vmlinux(bzimage) or bzimage)
            partial.replace(kernel.boot_image)
    return kernel


def _unpack(package: str, kernel: Kernel, where: Path) -> None:
    say(f"unpacking {package}")
    for stale in where.glob("*.deb"):
        stale.unlink()
    # As root apt drops to the _apt user for downloads, which cannot write to root's
    # folders; downloading as root is what `apt-get download` falls back to anyway.
    run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", package], cwd=where)
    deb = next(where.glob(f"{package}_*.deb"), None)
    if deb is None:
        raise HarnessError(f"apt-get download {package} left no .deb in {where}")
    run(["dpkg-deb", "-x", str(deb), str(where / "root")])
    if not kernel.vmlinuz.is_file() or not kernel.modules_dir.is_dir():
        raise HarnessError(f"{deb.name} holds no vmlinuz or modules for {kernel.version}")
    run(["depmod", "-b", str(where / "root"), kernel.version])
    deb.unlink()
