"""Which filesystems the mount and umount stages handle, in which order, and where."""

from __future__ import annotations

import os

from ..config.model import Config, Filesystem
from ..flavour import is_flatcar
from ..path_depth import depth

# Formats with nothing to mount (swap is enabled by units, not mounted).
NOT_MOUNTABLE = ("swap", "none")


def mountable(config: Config) -> list[Filesystem]:
    """Filesystems with a path and a mountable format, shallowest first (stable)."""
    filesystems = config.storage.filesystems if config.storage else ()
    chosen = [fs for fs in filesystems if fs.path and fs.format and fs.format not in NOT_MOUNTABLE]
    return sorted(chosen, key=lambda fs: depth(fs.path or "/"))


def unmount_order(config: Config) -> list[Filesystem]:
    """Deepest first."""
    return sorted(mountable(config), key=lambda fs: depth(fs.path or "/"), reverse=True)


# Flatcar's /usr/share/oem is a symlink to /oem: its mount stage mounts the OEM partition
# asked for there at /oem itself (its patch 0016).
_OEM_DEVICE = "/dev/disk/by-label/OEM"


def mount_point(fs: Filesystem) -> str:
    """Where fs is mounted, relative to the root: its path, except, in the flatcar flavour,
    Flatcar's OEM partition at /usr/share/oem, mounted at /oem."""
    path = fs.path or "/"
    if path == "/usr/share/oem" and fs.device == _OEM_DEVICE and is_flatcar():
        return "/oem"
    return path


def target_path(root: str, path: str) -> str:
    """root joined with path (absolute in the config), normalized."""
    return os.path.normpath(os.path.join(root, path.lstrip("/")))


def mount_argv(fs: Filesystem, target: str) -> list[str]:
    """`mount [-o options] -t format device target`, as upstream."""
    args = ["mount"]
    if fs.mount_options:
        args += ["-o", ",".join(fs.mount_options)]
    return [*args, "-t", fs.format or "", fs.device, target]
