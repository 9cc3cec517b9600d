"""The kernel's filesystem types and loading the module of one ahead of its first mount,
as the kernel would load it then (`modprobe -q -- fs-TYPE`, its request_module)."""

from __future__ import annotations

from collections.abc import Sequence

from ..log import Logger
from .commands import Started, start

PROC_FILESYSTEMS = "/proc/filesystems"


def registered_filesystems(path: str = PROC_FILESYSTEMS) -> set[str]:
    """The filesystem types the kernel knows now (built in or loaded): the last field
    of each line of /proc/filesystems (`nodev\\tsysfs`, `\\text4`)."""
    with open(path, encoding="ascii", errors="replace") as listing:
        return {line.split()[-1] for line in listing if line.strip()}


def unregistered(formats: Sequence[str], path: str = PROC_FILESYSTEMS) -> list[str]:
    """`formats` (each once, in order) that the kernel does not know yet; none when
    /proc/filesystems cannot be read."""
    try:
        known = registered_filesystems(path)
    except OSError:
        return []
    return [name for name in dict.fromkeys(formats) if name not in known]


def start_loading(formats: Sequence[str], log: Logger) -> list[Started]:
    """`modprobe -q -- fs-TYPE` started for each of `formats`, not waited for; none
    without modprobe (the mount loads the module then, as it always may)."""
    started: list[Started] = []
    for name in formats:
        try:
            started.append(start(["modprobe", "-q", "--", f"fs-{name}"], log))
        except FileNotFoundError:
            log.info("no modprobe: each filesystem's module is loaded when it is mounted")
            return started
        except OSError as err:
            log.info(f"cannot start modprobe for {name}: {err.strerror or err}")
    return started
