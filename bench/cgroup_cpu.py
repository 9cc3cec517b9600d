"""CPU time by control group: what systemd accounts to a stage's unit. A process put in a
new cgroup2 group (through a shell prefix that joins it, then execs the command) takes its
children with it, and so does every fork server stand-in, which joins its client's group:
the group's cpu.stat `usage_usec` counts them all, whoever forked them."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from ignition_py.system.mountinfo import cgroup2_root

# sh -c JOIN GROUP COMMAND...: joins GROUP ($0), then runs the command in this process.
_JOIN = 'echo $$ > "$0/cgroup.procs" && exec "$@"'


class CpuGroup:
    """A cgroup2 group made for one measurement: `prefix` runs a command in it, `seconds`
    is the CPU time (user+system) its processes have used so far."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def prefix(self) -> list[str]:
        return ["/bin/sh", "-c", _JOIN, str(self.path)]

    def seconds(self) -> float:
        for line in (self.path / "cpu.stat").read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == "usage_usec":
                return int(value) / 1e6
        raise RuntimeError(f"{self.path}/cpu.stat has no usage_usec")


@contextlib.contextmanager
def cpu_group(name: str) -> Iterator[CpuGroup]:
    """A new group `name` (made unique with this process's pid) under the cgroup2 root,
    removed after (its processes must have ended). Raises RuntimeError without a cgroup2
    hierarchy, OSError when the group cannot be made."""
    root = cgroup2_root()
    if root is None:
        raise RuntimeError("no cgroup2 hierarchy is mounted: CPU by control group is unknown")
    path = Path(root) / f"{name}-{os.getpid()}"
    path.mkdir()
    try:
        yield CpuGroup(path)
    finally:
        _wait_until_empty(path)
        path.rmdir()


def _wait_until_empty(path: Path, seconds: float = 5) -> None:
    """Until no process is left in the group (one that ran a stage may still be exiting
    when its client is done), or `seconds` have passed (rmdir then fails: EBUSY)."""
    deadline = time.monotonic() + seconds
    while "populated 1" in (path / "cgroup.events").read_text():
        if time.monotonic() > deadline:
            return
        time.sleep(0.01)
