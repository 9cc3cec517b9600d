"""Filesystems on block devices: probe with blkid, wipe with wipefs, run a decided mkfs."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from . import blockdev, gpt
from .commands import run
from .fs_size import HEAD_BYTES, filesystem_size

BLKID_NOTHING_FOUND = 2
BLKID_AMBIVALENT = 8


@frozen_model
class Probe:
    """What blkid finds on a device; type is "" when no filesystem signature is found."""

    type: str = ""
    uuid: str = ""
    label: str = ""
    partition_table: str = ""
    ambiguous: bool = False
    partitions: int | None = None  # in partition_table; None when it cannot be read


def probe(device: str, log: Logger) -> Probe:
    """Low-level probe (no cache): the filesystem type, UUID, label, partition table."""
    argv = ["blkid", "--probe", "--output", "export", device]
    done = run(argv, log, check=False)
    if done.returncode == BLKID_NOTHING_FOUND:
        return Probe()
    if done.returncode == BLKID_AMBIVALENT:
        return _first_signature(device, log)
    if done.returncode != 0:
        run(argv, log)  # raises with argv, exit code and stderr
    tags = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    table = tags.get("PTTYPE", "")
    return Probe(
        type=tags.get("TYPE", ""),
        uuid=tags.get("UUID", ""),
        label=tags.get("LABEL", ""),
        partition_table=table,
        partitions=_partition_count(device, table) if table else None,
    )


def _partition_count(device: str, table: str) -> int | None:
    """Partitions in the GPT or MBR on device; None for other tables or a read error."""
    try:
        fd = os.open(device, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        sector, total = blockdev.sector_size_and_count(fd)
        if table == "gpt" and total >= gpt.smallest_disk(sector):
            found = gpt.read_table(fd, sector, total)
            return len(found.entries) if found.kind == "gpt" else None
        if table == "dos":
            mbr = os.pread(fd, 512, 0)
            return sum(1 for i in range(4) if mbr[446 + 16 * i + 4] != 0)
        return None
    except OSError:
        return None
    finally:
        os.close(fd)


def probe_extent(device: str, offset: int, length: int, log: Logger) -> tuple[str, int | None]:
    """What blkid finds in bytes [offset, offset + length) of device: the signature's type
    ("" for none; "gpt partition table" for a table) and, for a filesystem of
    fs_size.SIZED_TYPES, the bytes it spans (else None)."""
    argv = ["blkid", "--probe", "--output", "export", "--offset", str(offset),
            "--size", str(length), device]  # fmt: skip
    done = run(argv, log, check=False)
    if done.returncode == BLKID_NOTHING_FOUND:
        return "", None
    if done.returncode == BLKID_AMBIVALENT:
        return "ambiguous (several signatures)", None
    if done.returncode != 0:
        run(argv, log)  # raises with argv, exit code and stderr
    tags = dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
    kind = tags.get("TYPE", "")
    if not kind:
        kind = f"{tags.get('PTTYPE', 'unknown')} partition table"
    try:
        with open(device, "rb") as handle:
            head = os.pread(handle.fileno(), min(HEAD_BYTES, length), offset)
    except OSError as err:
        raise IgnitionError(f"cannot read {device}: {err.strerror}") from err
    return kind, filesystem_size(kind, head)


def _first_signature(device: str, log: Logger) -> Probe:
    """blkid found several signatures; like upstream, go on with the first one, warned."""
    listing = json.loads(run(["wipefs", "--no-act", "--json", device], log).stdout or "{}")
    signatures = listing.get("signatures", [])
    log.warning(f"{device}: several signatures found ({len(signatures)}): using the first")
    first = signatures[0] if signatures else {}
    kind = str(first.get("type", ""))
    uuid, label = str(first.get("uuid") or ""), str(first.get("label") or "")
    if kind in ("gpt", "dos", "PMBR"):
        return Probe(partition_table=kind, ambiguous=True)
    return Probe(type=kind, uuid=uuid, label=label, ambiguous=True)


def wipe_signatures(device: str, log: Logger) -> None:
    """`wipefs -a` on device (resolved), refusing a device in use. Raises DeviceError or
    CommandError."""
    blockdev.refuse_if_busy(device)
    log.info(f"wiping filesystem signatures from {device}")
    run(["wipefs", "-a", device], log)


def make_filesystem(fs_format: str, argv: Sequence[str], device: str, log: Logger) -> None:
    """Run a decided mkfs argv on device (resolved), refusing a device in use.
    Raises DeviceError or CommandError."""
    blockdev.refuse_if_busy(device)
    log.info(f"creating {fs_format} filesystem on {device}")
    run(argv, log)
