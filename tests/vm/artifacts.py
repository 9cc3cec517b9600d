"""The guest's kernel and initramfs, cached under /var/cache/ignition-py-vm/ by kernel
version and a hash of the builder, built only when missing. A host-wide lock makes
concurrent test processes build once and wait for each other."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.vm import cpio, initramfs, kernel, vmlinux

CACHE_DIR = Path("/var/cache/ignition-py-vm")
_BUILDER_FILES = (
    Path(cpio.__file__),
    Path(kernel.__file__),
    Path(initramfs.__file__),
    Path(vmlinux.__file__),
    initramfs.INIT_SCRIPT,
    initramfs.BUSYBOX,
)


@dataclass(frozen=True)
class GuestImages:
    kernel_version: str
    kernel: Path  # an uncompressed vmlinux with a PVH entry, or else the bzImage
    initramfs: Path


@contextmanager
def host_lock(name: str) -> Iterator[None]:
    """An exclusive flock on CACHE_DIR/NAME.lock, held for the block."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def builder_hash() -> str:
    digest = hashlib.sha256()
    for path in _BUILDER_FILES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def guest_images() -> GuestImages:
    """The cached kernel + initramfs for the current Debian kernel, built if missing."""
    package, version = kernel.current_kernel_package()
    build_dir = CACHE_DIR / version / builder_hash()
    images = GuestImages(version, build_dir / "kernel", build_dir / "initramfs.img")
    if images.kernel.is_file() and images.initramfs.is_file():
        return images
    with host_lock("build"):
        if not (images.kernel.is_file() and images.initramfs.is_file()):
            _build(package, images)
    return images


def _build(package: str, images: GuestImages) -> None:
    build_dir = images.kernel.parent
    version_dir = build_dir.parent
    _remove_other_entries(CACHE_DIR, keep={version_dir.name})
    _remove_other_entries(version_dir, keep={build_dir.name})
    build_dir.mkdir(parents=True, exist_ok=True)
    debs = sorted(version_dir.glob(f"{package}_*.deb"))
    deb = debs[-1] if debs else kernel.download_package(package, version_dir)
    with tempfile.TemporaryDirectory(prefix="unpacked-", dir=version_dir) as unpacked:
        tree = kernel.unpack_kernel(deb, images.kernel_version, Path(unpacked))
        initramfs.write_initramfs(tree, images.initramfs)
        bzimage = tree.vmlinuz.read_bytes()
        partial = images.kernel.with_name("kernel.partial")
        partial.write_bytes(vmlinux.pvh_vmlinux(bzimage) or bzimage)
        partial.replace(images.kernel)


def _remove_other_entries(folder: Path, keep: set[str]) -> None:
    """Drop builds of other kernels or builders, so the cache holds one of each."""
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name not in keep:
            shutil.rmtree(entry)
