"""Just enough of systemd's private D-Bus endpoint for Go Ignition's disks stage (and the
Manager's Version property, which v2.26.0's files stage reads before writing units).

Go Ignition waits for devices by starting their `.device` units through
/run/systemd/private and waiting for the JobRemoved signal; this machine runs no systemd.
This server answers StartUnit with a job, and signals "done" once the device node exists
(or "timeout"). It serves a socket path of the test's choosing; the Go binary is run in a
mount namespace where that directory is bind-mounted over /run/systemd.
"""

from __future__ import annotations

import contextlib
import os
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

AUTH_GUID = "0123456789abcdef0123456789abcdef"
METHOD_CALL, METHOD_RETURN, ERROR, SIGNAL = 1, 2, 3, 4


def unescape_unit(name: str) -> str:
    """systemd path unescaping: dev-disk-by\\x2dlabel-x.device -> /dev/disk/by-label/x."""
    stem = name.rsplit(".", 1)[0]
    out, index = [], 0
    while index < len(stem):
        if stem.startswith("\\x", index):
            out.append(chr(int(stem[index + 2 : index + 4], 16)))
            index += 4
        else:
            out.append("/" if stem[index] == "-" else stem[index])
            index += 1
    return "/" + "".join(out)


class _Writer:
    def __init__(self) -> None:
        self.data = bytearray()

    def align(self, boundary: int) -> None:
        self.data += b"\x00" * (-len(self.data) % boundary)

    def byte(self, value: int) -> None:
        self.data.append(value)

    def uint32(self, value: int) -> None:
        self.align(4)
        self.data += struct.pack("<I", value)

    def string(self, value: str) -> None:
        raw = value.encode()
        self.uint32(len(raw))
        self.data += raw + b"\x00"

    def signature(self, value: str) -> None:
        self.data += bytes([len(value)]) + value.encode() + b"\x00"


def _message(
    kind: int,
    serial: int,
    fields: Sequence[tuple[int, str, object]],
    body: Sequence[tuple[str, object]],
) -> bytes:
    body_writer = _Writer()
    for type_code, value in body:
        if type_code == "u":
            body_writer.uint32(int(str(value)))
        elif type_code == "v":  # a variant holding a string
            body_writer.signature("s")
            body_writer.string(str(value))
        else:
            body_writer.string(str(value))
    signature = "".join(type_code for type_code, _ in body)
    if signature:
        fields = [*fields, (8, "g", signature)]
    header = _Writer()
    header.data += b"l" + bytes([kind, 0, 1]) + struct.pack("<II", len(body_writer.data), serial)
    array = _Writer()
    array.data = bytearray(16)  # offsets count from the message start
    for code, kind_code, value in fields:
        array.align(8)
        array.byte(code)
        array.signature(kind_code)
        if kind_code == "u":
            array.uint32(int(str(value)))
        elif kind_code == "g":
            array.signature(str(value))
        else:
            array.string(str(value))
    fields_bytes = bytes(array.data[16:])
    header.data += struct.pack("<I", len(fields_bytes)) + fields_bytes
    header.align(8)
    return bytes(header.data) + bytes(body_writer.data)


def _parse_fields(raw: bytes) -> dict[int, object]:
    fields: dict[int, object] = {}
    offset = 16
    data = b"\x00" * 16 + raw
    while offset < len(data):
        offset += -offset % 8
        code = data[offset]
        sig_len = data[offset + 1]
        kind = data[offset + 2 : offset + 2 + sig_len].decode()
        offset += 3 + sig_len
        if kind in ("s", "o"):
            offset += -offset % 4
            (length,) = struct.unpack_from("<I", data, offset)
            fields[code] = data[offset + 4 : offset + 4 + length].decode()
            offset += 5 + length
        elif kind == "g":
            length = data[offset]
            fields[code] = data[offset + 1 : offset + 1 + length].decode()
            offset += 2 + length
        else:  # u
            offset += -offset % 4
            (fields[code],) = struct.unpack_from("<I", data, offset)
            offset += 4
    return fields


def _parse_strings(body: bytes) -> list[str]:
    values, offset = [], 0
    while offset < len(body):
        offset += -offset % 4
        (length,) = struct.unpack_from("<I", body, offset)
        values.append(body[offset + 4 : offset + 4 + length].decode())
        offset += 5 + length
    return values


class FakeSystemd:
    def __init__(
        self, socket_path: Path, device_timeout: float = 10.0, version: str = "257"
    ) -> None:
        self.socket_path = socket_path
        self.version = version  # newer than 240: v2.26.0 then logs no warning about instances
        self.device_timeout = device_timeout
        self.started_units: list[str] = []
        self._subscribers: list[tuple[socket.socket, threading.Lock]] = []
        self._serial = 1000
        self._jobs = 0
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._stopped = False

    def start(self) -> None:
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        if self.socket_path.exists():
            self.socket_path.unlink()
        self._server.bind(str(self.socket_path))
        self._server.listen(8)
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def stop(self) -> None:
        # shutdown() wakes the blocked accept() before the descriptor is closed: otherwise
        # a later server could get the same descriptor number and this thread would
        # accept (and mishandle) its clients.
        self._stopped = True
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._acceptor.join(timeout=5)
        self._server.close()
        if self.socket_path.exists():
            self.socket_path.unlink()

    def _accept(self) -> None:
        while not self._stopped:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _next_serial(self) -> int:
        with self._lock:
            self._serial += 1
            return self._serial

    def _serve(self, conn: socket.socket) -> None:
        send_lock = threading.Lock()
        reader = conn.makefile("rb")
        try:
            if reader.read(1) != b"\x00":
                return
            while True:
                line = reader.readline().strip()
                if line == b"AUTH":
                    conn.sendall(b"REJECTED EXTERNAL\r\n")
                elif line.startswith(b"AUTH EXTERNAL"):
                    conn.sendall(f"OK {AUTH_GUID}\r\n".encode())
                elif line == b"NEGOTIATE_UNIX_FD":
                    conn.sendall(b"AGREE_UNIX_FD\r\n")
                elif line == b"BEGIN":
                    break
                else:
                    conn.sendall(b"ERROR\r\n")
            while True:
                fixed = reader.read(16)
                if len(fixed) < 16:
                    return
                kind = fixed[1]
                body_len, serial, fields_len = struct.unpack_from("<III", fixed, 4)
                raw_fields = reader.read(fields_len + (-(16 + fields_len) % 8))
                body = reader.read(body_len)
                if kind == METHOD_CALL:
                    self._call(
                        conn, send_lock, serial, _parse_fields(raw_fields[:fields_len]), body
                    )
        finally:
            conn.close()

    def _send(self, conn: socket.socket, lock: threading.Lock, data: bytes) -> None:
        with lock:
            conn.sendall(data)

    def _call(
        self,
        conn: socket.socket,
        lock: threading.Lock,
        serial: int,
        fields: dict[int, object],
        body: bytes,
    ) -> None:
        member = fields.get(3)
        reply = [(5, "u", serial)]
        if member == "AddMatch":
            with self._lock:
                self._subscribers.append((conn, lock))
            self._send(conn, lock, _message(METHOD_RETURN, self._next_serial(), reply, []))
        elif member == "Get" and _parse_strings(body)[1:] == ["Version"]:
            self._send(
                conn,
                lock,
                _message(METHOD_RETURN, self._next_serial(), reply, [("v", self.version)]),
            )
        elif member == "StartUnit":
            unit = _parse_strings(body)[0]
            with self._lock:
                self._jobs += 1
                job = f"/org/freedesktop/systemd1/job/{self._jobs}"
                job_id = self._jobs
            self.started_units.append(unit)
            self._send(
                conn, lock, _message(METHOD_RETURN, self._next_serial(), reply, [("o", job)])
            )
            threading.Thread(target=self._finish_job, args=(job_id, job, unit), daemon=True).start()
        else:
            error = [(5, "u", serial), (4, "s", "org.freedesktop.DBus.Error.UnknownMethod")]
            self._send(
                conn, lock, _message(ERROR, self._next_serial(), error, [("s", f"no {member}")])
            )

    def _finish_job(self, job_id: int, job: str, unit: str) -> None:
        device = unescape_unit(unit)
        deadline = time.monotonic() + self.device_timeout
        result = "timeout"
        while time.monotonic() < deadline:
            if os.path.exists(device):
                result = "done"
                break
            time.sleep(0.05)
        time.sleep(0.05)  # let the StartUnit caller record the job first
        fields = [
            (1, "o", "/org/freedesktop/systemd1"),
            (2, "s", "org.freedesktop.systemd1.Manager"),
            (3, "s", "JobRemoved"),
        ]
        body = [("u", job_id), ("o", job), ("s", unit), ("s", result)]
        # Sent again a few times: a caller that already has its result ignores a repeat,
        # and one that missed the first (seen, rarely, on a loaded machine) gets it.
        for delay in (0.0, 0.5, 1.0, 2.0, 4.0):
            time.sleep(delay)
            with self._lock:
                subscribers = list(self._subscribers)
            for conn, lock in subscribers:
                with contextlib.suppress(OSError):
                    self._send(conn, lock, _message(SIGNAL, self._next_serial(), fields, body))


@contextmanager
def behind_fake_manager(work: Path, device_timeout: float = 10.0) -> Iterator[list[str]]:
    """Serve a FakeSystemd on ``work/systemd/private`` while the block runs, yielding the
    argv prefix that runs a command in a mount namespace where that directory is
    /run/systemd and /run/ignition (Go's device aliases) is a private tmpfs."""
    bus_dir = work / "systemd"
    manager = FakeSystemd(bus_dir / "private", device_timeout)
    manager.start()
    Path("/run/systemd").mkdir(exist_ok=True)
    Path("/run/ignition").mkdir(exist_ok=True)
    script = (
        f'mount --bind {bus_dir} /run/systemd && mount -t tmpfs tmpfs /run/ignition && exec "$@"'
    )
    try:
        yield ["unshare", "--mount", "sh", "-c", script, "sh"]
    finally:
        manager.stop()
