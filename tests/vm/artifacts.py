"""The guest's initramfs (busybox, /init and the modules the tests need) for the current
Debian kernel, cached by the harness's cache (harness.cache) under guest/, keyed by kernel
version and a hash of the builder, built only when missing, once host-wide."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from harness.cache import cache_dir, host_lock
from harness.kernel import Kernel, debian_kernel

from tests.vm import cpio, initramfs

_BUILDER_FILES = (
    Path(cpio.__file__),
    Path(initramfs.__file__),
    initramfs.INIT_SCRIPT,
    initramfs.BUSYBOX,
)


@dataclass(frozen=True)
class GuestImages:
    kernel: Kernel
    initramfs: Path


def builder_hash() -> str:
    # Names, not paths: every checkout of the same builder shares one build.
    digest = hashlib.sha256()
    for path in _BUILDER_FILES:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def guest_images() -> GuestImages:
    """Debian's kernel (harness.kernel) and the guest initramfs for it, built if missing."""
    kernel = debian_kernel()
    key = f"{kernel.version}-{builder_hash()}"
    images = GuestImages(kernel, cache_dir("guest") / key / "initramfs.img")
    if images.initramfs.is_file():
        return images
    with host_lock("guest-build"):
        if not images.initramfs.is_file():
            _remove_other_builds(keep=key)
            images.initramfs.parent.mkdir(parents=True, exist_ok=True)
            initramfs.write_initramfs(kernel, images.initramfs)
    return images


def _remove_other_builds(keep: str) -> None:
    """Drop initramfs builds of other kernels or builders, so the cache holds one."""
    for entry in cache_dir("guest").iterdir():
        if entry.is_dir() and entry.name != keep:
            shutil.rmtree(entry)
