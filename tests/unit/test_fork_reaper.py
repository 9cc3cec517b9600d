"""fork_reaper.Reaper with real children: an ended one stays a zombie (its
/proc/PID/cgroup still readable, as journald reads it) for LINGER_SECONDS, then is reaped;
a running one is never touched."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from ignition_py import fork_reaper
from ignition_py.fork_reaper import Reaper


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except FileNotFoundError:
        return None


def test_an_ended_child_lingers_as_a_zombie_then_is_reaped() -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # ignored (inherited), no zombie is kept
    ended, running = os.fork(), 0
    if ended == 0:
        os._exit(0)
    running = os.fork()
    if running == 0:
        time.sleep(30)
        os._exit(0)
    reaper = Reaper()
    reaper.add(ended)
    reaper.add(running)
    try:
        deadline = time.monotonic() + 10
        while _state(ended) != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        start = time.monotonic()
        reaper.reap(start)  # seen ended now
        reaper.reap(start + fork_reaper.LINGER_SECONDS / 2)
        assert _state(ended) == "Z"
        assert Path(f"/proc/{ended}/cgroup").read_text().endswith("\n")  # journald's read
        reaper.reap(start + fork_reaper.LINGER_SECONDS)
        assert _state(ended) is None  # reaped
        assert _state(running) in {"S", "R"}
    finally:
        os.kill(running, signal.SIGKILL)
        os.waitpid(running, 0)
