"""Debian bookworm's own kernel for the guest, fetched with apt and unpacked without
installing it: the package's vmlinuz and its module tree with a fresh modules.dep."""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

KERNEL_META_PACKAGE = "linux-image-amd64"
_DEPENDS = re.compile(r"^\s*Depends:\s*(linux-image-(\d[\w.+-]*-amd64))\s*$", re.MULTILINE)


class KernelFetchError(RuntimeError):
    """The guest kernel could not be found, downloaded or unpacked."""


@dataclass(frozen=True)
class KernelTree:
    """An unpacked kernel package: where vmlinuz and the modules of `version` are."""

    root: Path
    version: str

    @property
    def vmlinuz(self) -> Path:
        return self.root / "boot" / f"vmlinuz-{self.version}"

    @property
    def modules_dir(self) -> Path:
        return self.root / "lib" / "modules" / self.version


def _run(argv: list[str], cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, check=False, timeout=600
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise KernelFetchError(f"{' '.join(argv)}: {error}") from error
    if done.returncode != 0:
        raise KernelFetchError(
            f"{' '.join(argv)} exited with {done.returncode}: {done.stderr.strip()}"
        )
    return done.stdout


@functools.cache
def current_kernel_package() -> tuple[str, str]:
    """(package, version) that linux-image-amd64 depends on now, e.g.
    ("linux-image-6.1.0-56-amd64", "6.1.0-56-amd64"). Updates apt's lists once if the
    meta package is unknown (a fresh machine that never ran apt-get update)."""
    argv = ["apt-cache", "depends", KERNEL_META_PACKAGE]
    try:
        listing = _run(argv)
    except KernelFetchError:
        _run(["apt-get", "update", "-qq"])
        listing = _run(argv)
    match = _DEPENDS.search(listing)
    if match is None:
        raise KernelFetchError(f"no linux-image-*-amd64 dependency in: {' '.join(argv)}")
    return match.group(1), match.group(2)


def download_package(package: str, into: Path) -> Path:
    """Fetch the .deb of `package` into the folder `into` and return its path."""
    into.mkdir(parents=True, exist_ok=True)
    for stale in into.glob(f"{package}_*.deb"):
        stale.unlink()
    # As root apt drops to the _apt user for downloads, which cannot write to root's
    # folders; downloading as root is what `apt-get download` falls back to anyway.
    _run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root", package], cwd=into)
    debs = sorted(into.glob(f"{package}_*.deb"))
    if not debs:
        raise KernelFetchError(f"apt-get download {package} left no .deb in {into}")
    return debs[-1]


def unpack_kernel(deb: Path, version: str, into: Path) -> KernelTree:
    """dpkg -x the package into `into` and build modules.dep (the postinst's job)."""
    _run(["dpkg-deb", "-x", str(deb), str(into)])
    tree = KernelTree(into, version)
    if not tree.vmlinuz.is_file() or not tree.modules_dir.is_dir():
        raise KernelFetchError(f"{deb} holds no vmlinuz or modules for {version}")
    _run(["depmod", "-b", str(into), version])
    return tree
