"""The fork server's stand-ins, reaped a while after they end. journald reads the unit of a
message's sender from /proc/PID/cgroup when it gets to the message, which under load can be
after the sender ended: a stand-in that logged its last lines and exited (kargs's lives a
few milliseconds) must still be there then, as a zombie, or its lines carry no unit. A
unit's main process reaped by systemd has the same race; the stand-in's is made wider."""

from __future__ import annotations

import contextlib
import os

LINGER_SECONDS = 15.0  # how long an ended stand-in stays a zombie, at least


class Reaper:
    """The server's children: `add` each one forked, call `reap` now and then (with a
    monotonic clock's time, in seconds); it reaps those that ended LINGER_SECONDS ago."""

    def __init__(self) -> None:
        self._ended: dict[int, float | None] = {}  # pid -> when it was first seen ended

    def add(self, pid: int) -> None:
        self._ended[pid] = None

    def reap(self, now: float) -> None:
        for pid, ended in list(self._ended.items()):
            if ended is None:
                try:  # WNOWAIT: only look
                    result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
                except ChildProcessError:
                    del self._ended[pid]
                    continue
                if result is not None:
                    self._ended[pid] = now
            elif now - ended >= LINGER_SECONDS:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
                del self._ended[pid]
