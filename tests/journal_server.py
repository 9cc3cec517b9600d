"""A stand-in for journald in tests: a datagram socket in a temporary directory that
decodes systemd's native protocol (inline datagrams and memfds passed with SCM_RIGHTS),
as /run/systemd/journal/socket would receive them. The agent is pointed at it through
IGNITION_PY_JOURNAL_SOCKET."""

from __future__ import annotations

import array
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ignition_py.log_journal import SOCKET_ENV

Entry = dict[str, str]


def decode(data: bytes) -> Entry:
    """One entry of the native protocol: `NAME=value` lines, or `NAME`, a 64-bit
    little-endian length, the value and a newline."""
    fields: Entry = {}
    at = 0
    while at < len(data):
        end = data.index(b"\n", at)
        line = data[at:end]
        if b"=" in line:
            name, value = line.split(b"=", 1)
            at = end + 1
        else:
            name = line
            (size,) = struct.unpack("<Q", data[end + 1 : end + 9])
            value = data[end + 9 : end + 9 + size]
            assert data[end + 9 + size : end + 10 + size] == b"\n", "value not newline-ended"
            at = end + 10 + size
        fields[name.decode("ascii")] = value.decode("utf-8")
    return fields


class JournalServer:
    """Receives in a thread of its own, as journald does: a unix datagram socket queues
    only a few datagrams (net.unix.max_dgram_qlen) before the sender blocks."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(str(path))
        self.socket.settimeout(0.05)
        self._received: list[Entry] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    @property
    def env(self) -> dict[str, str]:
        return {SOCKET_ENV: str(self.path)}

    def _receive(self) -> None:
        while not self._stop.is_set():
            fds = array.array("i")
            try:
                data, ancillary, _, _ = self.socket.recvmsg(8 << 20, socket.CMSG_LEN(4))
            except TimeoutError:
                continue
            except OSError:
                return
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
            for fd in fds:
                with os.fdopen(fd, "rb") as memfd:
                    memfd.seek(0)  # journald reads the memfd from its start, whatever the offset
                    data = memfd.read()
            with self._lock:
                self._received.append(decode(data))

    def entries(self) -> list[Entry]:
        """Every entry received since the last call, in order (after a moment's quiet)."""
        time.sleep(0.2)
        with self._lock:
            found, self._received = self._received, []
        return found

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()

    def __enter__(self) -> JournalServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@contextmanager
def journal_server(directory: Path) -> Iterator[JournalServer]:
    server = JournalServer(directory / "journal.socket")
    try:
        yield server
    finally:
        server.close()
