"""Mounting and unmounting the configured filesystems under the root."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence

from ..errors import IgnitionError
from ..log import Logger
from .commands import run


def check_only_directories(path: str) -> None:
    """Every existing component of the mount point must be a real directory (no links)."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(info.st_mode):
            raise IgnitionError(f"mount path {path!r} contains non-directory component {current!r}")


def make_mount_point(root: str, target: str) -> list[str]:
    """mkdir -p with mode 0755; returns the created directories relative to root."""
    created: list[str] = []
    missing: list[str] = []
    current = target
    while not os.path.exists(current):
        missing.append(current)
        current = os.path.dirname(current)
    for directory in reversed(missing):
        os.mkdir(directory, 0o755)
        os.chmod(directory, 0o755)
        created.append("/" + os.path.relpath(directory, root))
    return created


def filesystem_is_empty(path: str) -> bool:
    """Upstream's FilesystemIsEmpty: nothing in the directory but lost+found."""
    return all(name == "lost+found" for name in os.listdir(path))


def mount(
    argv: Sequence[str],
    root: str,
    target: str,
    log: Logger,
    label: Callable[[str], None] | None = None,
) -> list[str]:
    """Make the mount point target (inside root) and run a decided mount argv; returns
    the directories created, relative to root. `label` (SELinux relabelling) is called as
    v2.26.0 relabels: with the topmost directory made, before mounting, and with the mount
    point when the mounted filesystem is empty. Raises IgnitionError or CommandError."""
    check_only_directories(target)
    created = make_mount_point(root, target)
    if label is not None and created:
        label(os.path.join(root, created[0].lstrip("/")))
    run(argv, log)
    if label is not None and filesystem_is_empty(target):
        label(target)
    return created


def unmount(target: str, log: Logger) -> None:
    """`umount target`. Raises CommandError."""
    run(["umount", target], log)
