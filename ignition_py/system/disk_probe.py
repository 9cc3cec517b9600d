"""The read-only view of the host that disk planning gets: block devices, partition
tables, blkid signatures, superblock sizes, LUKS headers and who uses a device. One
Protocol, so that unit tests of the planning pass a fake host; `HostProbe` reads the
real one. Nothing here writes."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..log import Logger
from ..typecheck import TYPE_CHECKING
from . import blockdev, gpt
from .commands import missing_tools
from .filesystems import Probe, probe, probe_extent

if TYPE_CHECKING:
    from typing import Protocol
else:
    from ..typecheck import Protocol


class DiskProbe(Protocol):
    """What disk planning may ask of the host. Device arguments are resolved paths
    (see `resolve`), except for `is_block_device` and `resolve` themselves."""

    def missing_tools(self, names: Sequence[str]) -> list[str]:
        """The programs in names that are not on PATH, in the order given."""
        ...

    def is_block_device(self, path: str) -> bool:
        """Whether path (links followed) is a block device now."""
        ...

    def never_a_block_device(self, path: str) -> str | None:
        """Why path is not and will never become a block device (e.g. "exists and is not
        a block device (it is a directory)"), None when it is one or may still appear."""
        ...

    def resolve(self, path: str) -> str:
        """The canonical path of a device (links such as /dev/disk/by-* followed)."""
        ...

    def read_table(self, device: str) -> gpt.DiskTable:
        """The partition table now on device. Raises DeviceError when it cannot hold a
        GPT at all (too small), OSError when it cannot be read."""
        ...

    def filesystem(self, device: str) -> Probe:
        """What blkid finds on the whole device (upstream's low-level probe)."""
        ...

    def extent(self, device: str, offset: int, length: int) -> tuple[str, int | None]:
        """The signature in bytes [offset, offset + length) and, when its superblock
        says, the bytes its filesystem spans (see filesystems.probe_extent)."""
        ...

    def is_luks2(self, device: str) -> bool:
        """Whether device holds a LUKS2 header (`cryptsetup isLuks --type luks2`)."""
        ...

    def luks_uuid(self, device: str) -> str:
        """The UUID in device's LUKS header. Raises CommandError."""
        ...

    def luks_flags(self, device: str) -> tuple[str, ...]:
        """The persistent flags in device's LUKS2 header ("allow-discards", ...). Raises
        CommandError, or ValueError when the header's metadata cannot be parsed."""
        ...

    def usage(self, device: str, *, partitions: bool = True) -> str | None:
        """Why device (or one of its partitions) is in use, None when it is not."""
        ...


class HostProbe:
    """The real host. blkid and isLuks answers are kept for the life of the probe: make
    one per planning pass, never across a write."""

    def __init__(self, log: Logger) -> None:
        self._log = log
        self._filesystems: dict[str, Probe] = {}
        self._luks: dict[str, bool] = {}

    def missing_tools(self, names: Sequence[str]) -> list[str]:
        return missing_tools(names)

    def is_block_device(self, path: str) -> bool:
        return blockdev.is_block_device(path)

    def never_a_block_device(self, path: str) -> str | None:
        return blockdev.never_a_block_device(path)

    def resolve(self, path: str) -> str:
        return blockdev.resolve(path)

    def read_table(self, device: str) -> gpt.DiskTable:
        fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
        try:
            sector, total = blockdev.sector_size_and_count(fd)
            needed = gpt.smallest_disk(sector)
            if total < needed:
                raise blockdev.DeviceError(
                    f"{device} is too small for a GPT partition table: it has "
                    f"{total * sector} bytes, a GPT needs at least {needed * sector} "
                    f"({needed} sectors of {sector})"
                )
            return gpt.read_table(fd, sector, total)
        finally:
            os.close(fd)

    def filesystem(self, device: str) -> Probe:
        if device not in self._filesystems:
            self._filesystems[device] = probe(device, self._log)
        return self._filesystems[device]

    def extent(self, device: str, offset: int, length: int) -> tuple[str, int | None]:
        return probe_extent(device, offset, length, self._log)

    def is_luks2(self, device: str) -> bool:
        if device not in self._luks:
            from .luks import is_luks2

            self._luks[device] = is_luks2(device, self._log)
        return self._luks[device]

    def luks_uuid(self, device: str) -> str:
        from .luks import luks_uuid

        return luks_uuid(device, self._log)

    def luks_flags(self, device: str) -> tuple[str, ...]:
        from .luks import luks_flags

        return luks_flags(device, self._log)

    def usage(self, device: str, *, partitions: bool = True) -> str | None:
        return blockdev.usage(device, partitions=partitions)
