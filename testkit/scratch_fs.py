"""A freshly made ext4 filesystem mounted for one run, as the target root is at boot: a
directory on the host's long-lived filesystem (e.g. /var/tmp on ext4 mounted with
`discard`) can cost ten times more per file created after a previous run's deletions."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .loopdisks import attached, sh

IMAGE_DIR = Path("/dev/shm")


@contextmanager
def fresh_ext4(mount_point: Path, size_mib: int = 512, inodes: int = 65536) -> Iterator[Path]:
    """``mount_point`` (created, mode 0755) with a new ext4 of ``size_mib`` MiB and
    ``inodes`` inodes mounted on it, from an image in /dev/shm on a loop device; unmounted,
    detached and removed at exit. Needs root, losetup and mkfs.ext4."""
    handle, name = tempfile.mkstemp(prefix="ign-bench-", suffix=".img", dir=IMAGE_DIR)
    image = Path(name)
    try:
        try:
            os.ftruncate(handle, size_mib * 1024 * 1024)
        finally:
            os.close(handle)
        sh("mkfs.ext4", "-q", "-F", "-N", str(inodes), str(image))
        mount_point.mkdir(parents=True, exist_ok=True)
        with attached(image) as device:
            sh("mount", device, str(mount_point))
            os.chmod(mount_point, 0o755)
            yield mount_point
    finally:
        image.unlink(missing_ok=True)
