"""Debian's kernel, unpacked from its package (not installed), with modules.dep."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .cache import cache_dir
from .shell import HarnessError, run, say


@dataclass(frozen=True)
class Kernel:
    version: str
    vmlinuz: Path
    modules_dir: Path  # .../lib/modules/VERSION


def newest_kernel_package() -> str:
    listing = subprocess.run(
        ["apt-cache", "search", "--names-only", r"^linux-image-6\.1\.0-[0-9]+-amd64$"],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    names = re.findall(r"^(linux-image-6\.1\.0-(\d+)-amd64) ", listing, re.MULTILINE)
    if not names:
        raise HarnessError("no linux-image-6.1.0-N-amd64 package found (run apt-get update)")
    newest: str = max(names, key=lambda n: int(n[1]))[0]
    return newest


def debian_kernel() -> Kernel:
    package = newest_kernel_package()
    version = package.removeprefix("linux-image-")
    where = cache_dir("kernel", version)
    vmlinuz = where / "root" / "boot" / f"vmlinuz-{version}"
    modules = where / "root" / "lib" / "modules" / version
    if not (modules / "modules.dep").exists():
        say(f"unpacking {package}")
        run(["apt-get", "download", package], cwd=where)
        deb = next(where.glob(f"{package}_*.deb"))
        run(["dpkg-deb", "-x", str(deb), str(where / "root")])
        run(["depmod", "-b", str(where / "root"), version])
        deb.unlink()
    return Kernel(version, vmlinuz, modules)
