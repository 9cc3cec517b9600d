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
    label: Callable[[list[str]], None] | None = None,
    *,
    carried: Sequence[str] = (),
    last: bool = True,
) -> tuple[list[str], str | None]:
    """Make the mount point target (inside root) and run a decided mount argv; returns
    the directories created, relative to root, and the path left to label (see below).

    `label` (SELinux relabelling, of whole trees) gets what v2.26.0 relabels, in fewer
    calls: the topmost directory made, before mounting, together with `carried` (the
    mount point an earlier mount left); then the mount point when the mounted filesystem
    is empty, at once when `last`, else returned for the next mount to carry. A label is
    a function of the path alone and the earlier mount point's tree is relabelled whole,
    so the labels are v2.26.0's: two calls per mount become one, plus one at the end.
    Raises IgnitionError or CommandError (`carried` is labelled first)."""
    try:
        check_only_directories(target)
        created = make_mount_point(root, target)
    except BaseException:
        if label is not None and carried:
            label_quietly(label, list(carried), log)
        raise
    before = [*carried, os.path.join(root, created[0].lstrip("/"))] if created else [*carried]
    if label is not None and before:
        label(before)
    run(argv, log)
    if label is None or not filesystem_is_empty(target):
        return created, None
    if last:
        label([target])
        return created, None
    return created, target


def label_quietly(label: Callable[[list[str]], None], paths: list[str], log: Logger) -> None:
    """`label(paths)` while the stage is failing for another reason: a failure of its
    own is logged as a warning, so that the first error stays the one reported."""
    try:
        label(paths)
    except Exception as err:
        log.warning(f"relabeling {', '.join(paths)} failed too: {err}")


def unmount(target: str, log: Logger) -> None:
    """`umount target`. Raises CommandError."""
    run(["umount", target], log)
