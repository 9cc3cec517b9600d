"""journald's native protocol (systemd's `sd_journal_send`): one datagram per entry to
/run/systemd/journal/socket, `FIELD=value` lines, or `FIELD`, a 64-bit little-endian
length and the raw bytes for a value with a newline in it. An entry too large for one
datagram goes as a sealed memfd passed with SCM_RIGHTS, as go-systemd does.

Written here rather than imported from python3-systemd: `systemd.journal` costs three or
four times the import time of `socket`, and every stage is its own process at boot. For
the same reason the socket is CPython's `_socket` itself: `socket.py` only wraps it, and
at import converts every constant into enums, which takes ~90 ms in a TCG guest."""

from __future__ import annotations

import errno
import os
import struct
from _socket import (
    AF_UNIX,
    SCM_RIGHTS,
    SOCK_CLOEXEC,
    SOCK_DGRAM,
    SOL_SOCKET,
    socket,
)
from collections.abc import Mapping

DEFAULT_SOCKET = "/run/systemd/journal/socket"
# Tests point the agent at a socket of their own; nothing else sets it.
SOCKET_ENV = "IGNITION_PY_JOURNAL_SOCKET"


def socket_path() -> str:
    return os.environ.get(SOCKET_ENV, DEFAULT_SOCKET)


def encode(fields: Mapping[str, str]) -> bytes:
    """One journal entry: field names are upper-case ASCII, values any text (a lone
    surrogate from an undecodable file name is sent as its escape)."""
    out = bytearray()
    for name, value in fields.items():
        data = value.encode("utf-8", "backslashreplace")
        if b"\n" in data:
            out += name.encode("ascii") + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
        else:
            out += name.encode("ascii") + b"=" + data + b"\n"
    return bytes(out)


class Journal:
    """A connected datagram socket to journald. Raises OSError from `open` when there is
    no journal (no socket at the path, or nobody listening)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._socket = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC)
        try:
            self._socket.connect(path)
        except OSError:
            self._socket.close()
            raise

    @classmethod
    def open(cls) -> Journal:
        return cls(socket_path())

    def send(self, fields: Mapping[str, str]) -> None:
        """Raises OSError when journald refuses the entry."""
        entry = encode(fields)
        try:
            self._socket.send(entry)
        except OSError as err:
            if err.errno not in (errno.EMSGSIZE, errno.ENOBUFS):
                raise
            self._send_large(entry)

    def _send_large(self, entry: bytes) -> None:
        fd = os.memfd_create("journal-entry", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        try:
            os.write(fd, entry)
            seals = 0x1 | 0x2 | 0x4 | 0x8  # F_SEAL_SEAL | SHRINK | GROW | WRITE
            import fcntl

            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)
            rights = [(SOL_SOCKET, SCM_RIGHTS, struct.pack("i", fd))]
            self._socket.sendmsg([], rights)
        finally:
            os.close(fd)

    def close(self) -> None:
        self._socket.close()
