"""Block devices as the kernel sees them: waiting for nodes, sizes, who uses a device
(mounts, holders, swap), telling the kernel of a new partition table, udev settle."""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import CommandError, IgnitionError
from ..log import Logger
from .commands import run

BLKSSZGET = 0x1268
BLKGETSIZE64 = 0x80081272
DEFAULT_DEVICE_TIMEOUT = 90.0  # systemd's default for a device unit, which upstream waits on
DEVICE_TIMEOUT_ENV = "IGNITION_PY_DEVICE_TIMEOUT"


class DeviceError(IgnitionError):
    """A device cannot be used as the config asks (missing, busy, too small, refused)."""


def device_timeout() -> float:
    return float(os.environ.get(DEVICE_TIMEOUT_ENV, DEFAULT_DEVICE_TIMEOUT))


def wait_for_devices(paths: list[str], log: Logger, timeout: float | None = None) -> None:
    """Wait until every path is a block device (links such as /dev/disk/by-* resolved).

    Only a path that may still appear is waited for: one that exists and is not a block
    device, or that can never become one, fails at once (upstream waits its 90 s out).
    Raises DeviceError naming the path and why, or the paths still missing at the timeout.
    """
    limit = device_timeout() if timeout is None else timeout
    deadline = time.monotonic() + limit
    pending = list(dict.fromkeys(paths))
    delay = 0.01
    while pending:
        pending = [path for path in pending if not is_block_device(path)]
        for path in pending:
            reason = never_a_block_device(path)
            if reason:
                raise DeviceError(f"device {path} {reason}")
        if not pending:
            return
        if time.monotonic() >= deadline:
            raise DeviceError(
                f"timed out after {limit:g}s waiting for device(s) {', '.join(pending)}"
            )
        if udev_running():
            run(["udevadm", "settle", "--timeout=1"], log, check=False)
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


_KINDS = (
    (stat.S_ISREG, "a regular file"),
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
)


def never_a_block_device(path: str) -> str | None:
    """Why path is not and will not become a block device, or None when it is one or may
    still appear (it does not exist yet, or is a link to a /dev node not there yet)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return _dangling_reason(path)
    except OSError as err:
        return f"cannot be reached: {err.strerror}"
    if stat.S_ISBLK(mode):
        return None
    kind = next((name for test, name in _KINDS if test(mode)), "not a device")
    return f"exists and is not a block device (it is {kind})"


def _dangling_reason(path: str) -> str | None:
    """A missing node may be created later by the kernel (devtmpfs) or udev, always under
    /dev; a link that ends outside /dev never will be."""
    if not os.path.islink(path) and not _has_link_component(path):
        return None
    target = os.path.realpath(path)
    if target == "/dev" or target.startswith("/dev/"):
        return None
    return f"is a link to {target}, which does not exist and is not under /dev"


def _has_link_component(path: str) -> bool:
    parts = os.path.abspath(path).split("/")
    return any(os.path.islink("/".join(parts[: i + 1]) or "/") for i in range(1, len(parts)))


def is_block_device(path: str) -> bool:
    """Whether path (links followed) is a block device now."""
    try:
        return stat.S_ISBLK(os.stat(path).st_mode)
    except OSError:
        return False


def resolve(path: str) -> str:
    """The device's canonical path (links such as /dev/disk/by-* followed)."""
    return os.path.realpath(path)


def sysfs_dir(path: str) -> Path:
    rdev = os.stat(path).st_rdev
    return Path(f"/sys/dev/block/{os.major(rdev)}:{os.minor(rdev)}").resolve()


def sector_size_and_count(fd: int) -> tuple[int, int]:
    """Logical sector size and size in those sectors (regular files: 512-byte sectors)."""
    mode = os.fstat(fd).st_mode
    if not stat.S_ISBLK(mode):
        return 512, os.lseek(fd, 0, os.SEEK_END) // 512
    sector = struct.unpack("i", fcntl.ioctl(fd, BLKSSZGET, b"\x00" * 4))[0]
    size = struct.unpack("Q", fcntl.ioctl(fd, BLKGETSIZE64, b"\x00" * 8))[0]
    return sector, size // sector


@contextmanager
def open_for_writing(path: str, *, exclusive: bool) -> Iterator[int]:
    """Open for writing; with exclusive, O_EXCL: the kernel then refuses while the device,
    or for a whole disk any of its partitions, is mounted or held (RAID, LUKS, swap)."""
    flags = os.O_RDWR | os.O_CLOEXEC
    if exclusive and is_block_device(path):
        flags |= os.O_EXCL
    try:
        fd = os.open(path, flags)
    except OSError as err:
        if err.errno == errno.EBUSY:
            raise DeviceError(
                f"refusing to modify {path}: {usage(path) or 'device is busy'}"
            ) from err
        raise DeviceError(f"cannot open {path}: {err.strerror}") from err
    try:
        yield fd
    finally:
        os.close(fd)


def _mounted_devices() -> dict[str, str]:
    """major:minor and source path -> mount point, from /proc/self/mountinfo."""
    from .mountinfo import mounts

    found: dict[str, str] = {}
    for mount in mounts():
        found.setdefault(mount.device, mount.mount_point)
        if mount.source:
            found.setdefault(mount.source, mount.mount_point)
    return found


def usage(path: str, *, partitions: bool = True) -> str | None:
    """Why the device (or, with partitions, one of its partitions) is in use, or None.

    In use: mounted, swap, held (sysfs holders: RAID, LUKS, LVM), the backing store of a
    loop device, or claimed by another opener (an O_EXCL open fails). Without partitions
    the whole disk is not test-opened: a claimed partition would make that fail."""
    if not is_block_device(path):
        return None
    real = resolve(path)
    mounts = _mounted_devices()
    swaps = _swap_devices()
    loops = _loop_backing_devices()
    base = sysfs_dir(real)
    nodes = [(real, base)]
    if partitions:
        nodes += [
            (f"/dev/{child.name}", child)
            for child in base.iterdir()
            if (child / "partition").exists()
        ]
    for node, sysdir in nodes:
        number = (sysdir / "dev").read_text().strip()
        where = mounts.get(number) or mounts.get(node)
        if where:
            return f"{node} is mounted at {where}"
        if node in swaps:
            return f"{node} is in use as swap"
        holders = sorted(entry.name for entry in (sysdir / "holders").iterdir())
        if holders:
            return f"{node} is held by {', '.join(holders)}"
        if number in loops:
            return f"{node} is the backing store of {loops[number]}"
    # partitions first, to name the one claimed; a whole disk only with its partitions
    testable = [*nodes[1:], nodes[0]] if partitions or (base / "partition").exists() else []
    for node, _ in testable:
        if _claimed(node):
            return f"{node} is open exclusively by another program"
    return None


def _loop_backing_devices() -> dict[str, str]:
    """major:minor of each block device that backs a loop device -> that loop device."""
    found: dict[str, str] = {}
    for entry in Path("/sys/block").glob("loop*/loop/backing_file"):
        try:
            backing = entry.read_text().rstrip("\n").removesuffix(" (deleted)")
            status = os.stat(backing)
        except OSError:
            continue
        if stat.S_ISBLK(status.st_mode):
            rdev = status.st_rdev
            found[f"{os.major(rdev)}:{os.minor(rdev)}"] = f"/dev/{entry.parent.parent.name}"
    return found


def _claimed(node: str) -> bool:
    """Whether another opener has the device exclusively (read-only test open: closing it
    makes no udev change event)."""
    try:
        fd = os.open(node, os.O_RDONLY | os.O_EXCL | os.O_CLOEXEC)
    except OSError as err:
        return err.errno == errno.EBUSY
    os.close(fd)
    return False


def _swap_devices() -> set[str]:
    try:
        lines = Path("/proc/swaps").read_text().splitlines()[1:]
    except OSError:
        return set()
    return {resolve(line.split()[0]) for line in lines if line.strip()}


def refuse_if_busy(path: str, *, partitions: bool = True) -> None:
    """Raise DeviceError naming why path is in use (see usage)."""
    reason = usage(path, partitions=partitions)
    if reason:
        raise DeviceError(f"refusing to modify {path}: {reason}")


def kernel_partitions(disk: str) -> dict[int, tuple[int, int]]:
    """Partition number -> (start, size) in 512-byte units, as the kernel has them now."""
    found: dict[int, tuple[int, int]] = {}
    for child in sysfs_dir(disk).iterdir():
        if (child / "partition").exists():
            number = int((child / "partition").read_text())
            start = int((child / "start").read_text())
            found[number] = (start, int((child / "size").read_text()))
    return found


def sync_kernel_table(disk: str, wanted: dict[int, tuple[int, int]], log: Logger) -> None:
    """Make the kernel's partitions match the table just written, then check the result
    against sysfs.

    First the kernel re-reads the table itself (BLKRRPART), as it does for a VM's disks;
    where it cannot (loop devices here have no partition scan, or a partition is in use),
    one BLKPG change per partition through partx. udev reacts to the write too and may
    re-read the table at the same moment: a partition it already added is not an error.
    """
    settle(log)
    if kernel_partitions(disk) != wanted:
        run(["blockdev", "--rereadpt", disk], log, check=False)
        settle(log)
    current = kernel_partitions(disk)
    for number, geometry in sorted(current.items()):
        if wanted.get(number) != geometry:
            _partx(disk, "--delete", number, None, log)
    current = kernel_partitions(disk)
    for number in sorted(wanted):
        if number not in current:
            _partx(disk, "--add", number, wanted[number], log)
    found = kernel_partitions(disk)
    if found != wanted:
        raise DeviceError(
            f"the kernel's view of {disk} does not match the table written: "
            f"expected {sorted(wanted.items())}, sysfs has {sorted(found.items())}"
        )


def _partx(
    disk: str, action: str, number: int, wanted: tuple[int, int] | None, log: Logger
) -> None:
    """One partition added or deleted; fine if udev got there first (`wanted` is the
    geometry the partition must end up with, None for gone)."""
    argv = ["partx", action, "--nr", str(number), disk]
    result = run(argv, log, check=False)
    if result.returncode != 0 and kernel_partitions(disk).get(number) != wanted:
        raise CommandError(argv, result.returncode, result.stderr, result.stdout)


def partition_node(disk: str, number: int) -> str:
    """The kernel's node for partition number of disk: /dev/vda1, /dev/loop0p1."""
    separator = "p" if disk[-1].isdigit() else ""
    return f"{disk}{separator}{number}"


def udev_running() -> bool:
    return Path("/run/udev/control").exists()


def settle(log: Logger) -> None:
    """`udevadm settle`, as upstream does after every change (skipped without udevd)."""
    if udev_running():
        run(["udevadm", "settle"], log)
    else:
        log.debug("udevd is not running: not waiting for udev to settle")
