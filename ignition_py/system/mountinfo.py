"""The mounts of this process, from /proc/self/mountinfo (proc(5)): one parser for every
stage. Paths there escape space, tab, newline and backslash as octal (`\\040`); the
rest are the bytes of the path, decoded as the file system encoding decodes them."""

from __future__ import annotations

import os
import re

from ..frozen import frozen_model

# a pattern, compiled (and cached by re) at its first use: most runs never need it
_OCTAL = rb"\\([0-7]{3})"


@frozen_model
class Mount:
    device: str  # major:minor
    mount_point: str
    source: str  # the mounted device or what stands for it ("tmpfs", "none", ...)
    fs_type: str  # "ext4", "cgroup2", ...


def _unescape(field: bytes) -> str:
    return os.fsdecode(re.sub(_OCTAL, lambda m: bytes([int(m.group(1), 8)]), field))


def mounts() -> list[Mount]:
    """Every mount of this process's namespace, in the kernel's order; [] when /proc
    cannot be read."""
    try:
        with open("/proc/self/mountinfo", "rb") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split(b" ")
        if len(fields) < 5 or b"-" not in fields[5:]:
            continue
        separator = fields.index(b"-", 5)
        fs_type = fields[separator + 1] if separator + 1 < len(fields) else b""
        source = fields[separator + 2] if separator + 2 < len(fields) else b""
        found.append(
            Mount(fields[2].decode(), _unescape(fields[4]), _unescape(source), fs_type.decode())
        )
    return found


def cgroup2_root() -> str | None:
    """Where the unified (cgroup2) hierarchy is mounted, or None without one."""
    roots = [mount.mount_point for mount in mounts() if mount.fs_type == "cgroup2"]
    return roots[0] if roots else None
