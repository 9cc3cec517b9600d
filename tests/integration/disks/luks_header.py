"""Set the persistent flags of a LUKS2 header in place, as `cryptsetup luksOpen --persistent
--allow-discards` would, where device-mapper is missing and no volume can be opened: both
header copies get the new `config.flags` and their SHA-256 checksums again."""

from __future__ import annotations

import hashlib
import json
import struct
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BINARY_HEADER = 4096  # then the JSON area, up to hdr_size
CHECKSUM = slice(448, 512)  # sha256 over hdr_size bytes with this field zeroed


def set_flags(device: Path | str, flags: list[str]) -> None:
    with open(device, "r+b") as disk:
        (hdr_size,) = struct.unpack_from(">Q", disk.read(16), 8)
        for offset in (0, hdr_size):  # primary, then secondary header
            disk.seek(offset)
            area = bytearray(disk.read(hdr_size))
            metadata = json.loads(area[BINARY_HEADER:].rstrip(b"\0"))
            metadata["config"]["flags"] = flags
            text = json.dumps(metadata, separators=(",", ":")).encode()
            area[BINARY_HEADER:] = text.ljust(hdr_size - BINARY_HEADER, b"\0")
            area[CHECKSUM] = bytes(64)
            area[CHECKSUM.start : CHECKSUM.start + 32] = hashlib.sha256(area).digest()
            disk.seek(offset)
            disk.write(area)


@contextmanager
def closed_after(name: str) -> Iterator[None]:
    """Close /dev/mapper/NAME when the block ends, if the agents opened it (where
    device-mapper works a reused or new volume is left open); one that was there before
    is not ours and is left alone."""
    mapping = Path("/dev/mapper") / name
    existed = mapping.exists()
    try:
        yield
    finally:
        if not existed and mapping.exists():
            subprocess.run(["cryptsetup", "luksClose", name], check=True)
