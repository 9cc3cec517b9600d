"""Config drives and CD-ROMs: find them, mount them read-only, read one file, unmount.
External tools go through system.commands.run; this module decides nothing."""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..errors import CommandError
from ..log import Logger
from ..resources.stream import read_file_capped
from ..system.commands import run

DISK_BY_LABEL = Path("/dev/disk/by-label")
CDROM_DRIVE_STATUS = 0x5326
CDS_DISC_OK = 4


@contextlib.contextmanager
def mounted_readonly(device: str, fstype: str, log: Logger) -> Iterator[Path]:
    import tempfile  # only a config drive pays for it

    mount_point = Path(tempfile.mkdtemp(prefix="ignition-py-config-"))
    try:
        with log.op(f"mounting {device!r} at {str(mount_point)!r}"):
            run(["mount", "-o", "ro", "-t", fstype, device, str(mount_point)], log)
        try:
            yield mount_point
        finally:
            with log.op(f"unmounting {device!r} at {str(mount_point)!r}"):
                run(["umount", str(mount_point)], log)
    finally:
        with contextlib.suppress(OSError):
            mount_point.rmdir()


def read_file_from(device: str, fstype: str, relative: str, log: Logger) -> bytes | None:
    """The file's bytes, or None when the device has no such file."""
    with mounted_readonly(device, fstype, log) as root:
        target = root / relative.lstrip("/")
        try:
            return read_file_capped(target)
        except FileNotFoundError:
            return None


def wait_for_path(path: Path, deadline: float | None, cancelled: threading.Event) -> bool:
    """Poll each second as upstream does; False when cancelled or past the deadline."""
    while not path.exists():
        if cancelled.is_set() or (deadline is not None and time.monotonic() >= deadline):
            return False
        cancelled.wait(1.0)
    return not cancelled.is_set()


def devices_with_fstype(fstype: str, log: Logger) -> list[str]:
    """Block devices whose probed filesystem type is `fstype` (libblkid, no cache)."""
    try:
        done = run(["blkid", "-c", "/dev/null", "-t", f"TYPE={fstype}", "-o", "device"], log)
    except CommandError as err:
        if err.returncode == 2:  # blkid: nothing matched
            return []
        raise
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def is_cdrom_with_disc(device: str, log: Logger) -> bool:
    """Only a CD-ROM drive with a disc in it may hold the provisioning media: this keeps
    a user's disk with the same filesystem type from being read."""
    try:
        fd = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        log.info(f"failed to open config device {device}: {err.strerror}")
        return False
    try:
        status = fcntl.ioctl(fd, CDROM_DRIVE_STATUS, 0)
    except OSError as err:
        log.info(f"{device} is not a CD-ROM drive: {err.strerror}")
        return False
    finally:
        os.close(fd)
    log.info(f"drive status of {device}: {'OK' if status == CDS_DISC_OK else status}")
    return status == CDS_DISC_OK
