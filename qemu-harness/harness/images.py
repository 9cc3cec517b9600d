"""Looking into disk images from the host, read-only: loop mounts, partition tables,
filesystem signatures."""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .shell import run


@contextmanager
def mounted_read_only(image: Path, offset: int = 0, size: int | None = None) -> Iterator[Path]:
    """Mount an ext4/xfs/btrfs image (or the partition of it at a byte offset, of a byte
    size: several partitions of one image at once need their sizes) without replaying its
    journal."""
    with tempfile.TemporaryDirectory(prefix="harness-mnt-") as where:
        options = f"loop,ro,offset={offset}" + (f",sizelimit={size}" if size else "")
        try:
            run(["mount", "-o", options + ",noload", str(image), where])
        except Exception:
            run(["mount", "-o", options, str(image), where])
        try:
            yield Path(where)
        finally:
            subprocess.run(["umount", where], check=False)


def partition_table(image: Path) -> list[dict[str, object]]:
    done = subprocess.run(["sfdisk", "-J", str(image)], capture_output=True, text=True)
    if done.returncode != 0:
        return []
    table = json.loads(done.stdout)["partitiontable"]
    partitions: list[dict[str, object]] = table.get("partitions", [])
    sector = int(table.get("sectorsize", 512))
    for partition in partitions:
        # sfdisk -J names partitions by node (data.img3); the number is its trailing digits.
        partition["number"] = int(re.search(r"(\d+)$", str(partition["node"])).group(1))  # type: ignore[union-attr]
        partition["offset"] = int(str(partition["start"])) * sector
        partition["bytes"] = int(str(partition["size"])) * sector
    return partitions


def signature(image: Path, offset: int = 0) -> dict[str, str]:
    """blkid's view of a filesystem at an offset: TYPE, LABEL, UUID."""
    done = subprocess.run(
        ["blkid", "-p", "-o", "export", "--offset", str(offset), str(image)],
        capture_output=True, text=True,
    )  # fmt: skip
    found = {}
    for line in done.stdout.splitlines():
        key, _, value = line.partition("=")
        found[key] = value
    return found
