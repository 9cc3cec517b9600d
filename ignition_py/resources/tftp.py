"""TFTP reads (RFC 1350, octet mode, with the RFC 2348 block size option), streamed
block by block: each DATA block is acknowledged as it arrives."""

from __future__ import annotations

import socket
import struct
import time
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit

from .errors import FetchError, FetchTimeoutError, NotFoundError
from .urls import shown_url

RRQ, DATA, ACK, ERROR, OACK = 1, 3, 4, 5, 6
DEFAULT_BLOCK = 512
WANTED_BLOCK = 1428  # fits an Ethernet frame with IP/UDP/TFTP headers
RETRIES = 5
RETRY_WAIT = 1.0


def tftp_chunks(url: str, total_timeout: float | None = None) -> Iterator[bytes]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or 69
    path = unquote(parts.path)
    started = time.monotonic()
    deadline = None if not total_timeout else started + total_timeout
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    resolved = socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM)[0][4]
    address = (str(resolved[0]), int(resolved[1]))
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        request = (
            struct.pack("!H", RRQ)
            + path.encode()
            + b"\0octet\0blksize\0"
            + str(WANTED_BLOCK).encode()
            + b"\0"
        )
        block_size = DEFAULT_BLOCK
        expected = 1
        last_sent, target = request, address
        peer: tuple[str, int] | None = None
        while True:
            packet, sender = _receive(sock, last_sent, target, url, (started, deadline), peer)
            if peer is None:
                peer = (sender[0], sender[1])
                target = peer
            opcode = struct.unpack("!H", packet[:2])[0]
            if opcode == ERROR:
                code = struct.unpack("!H", packet[2:4])[0]
                message = packet[4:].split(b"\0", 1)[0].decode("utf-8", "replace")
                if code == 1:
                    raise NotFoundError(shown_url(url))
                raise FetchError(f"tftp error {code} from {host}: {message}")
            if opcode == OACK and expected == 1:
                block_size = _negotiated_block_size(packet[2:])
                last_sent = struct.pack("!HH", ACK, 0)
                continue
            if opcode != DATA:
                raise FetchError(f"tftp: unexpected packet (opcode {opcode}) from {host}")
            block = struct.unpack("!H", packet[2:4])[0]
            if block != expected % 65536:
                continue  # a duplicate: our ACK was lost; the resend below repeats it
            data = packet[4:]
            last_sent = struct.pack("!HH", ACK, block)
            if data:
                yield data
            expected += 1
            if len(data) < block_size:
                sock.sendto(last_sent, target)
                return


def _negotiated_block_size(options: bytes) -> int:
    fields = options.split(b"\0")
    for name, value in zip(fields[::2], fields[1::2], strict=False):
        if name.lower() == b"blksize":
            return int(value)
    return DEFAULT_BLOCK


def _receive(
    sock: socket.socket,
    last_sent: bytes,
    target: tuple[str, int],
    url: str,
    timing: tuple[float, float | None],  # (started, deadline), time.monotonic()
    peer: tuple[str, int] | None,
) -> tuple[bytes, tuple[str, int]]:
    started, deadline = timing
    for _ in range(RETRIES):
        sock.sendto(last_sent, target)
        wait = RETRY_WAIT
        if deadline is not None:
            wait = min(wait, deadline - time.monotonic())
            if wait <= 0:
                raise FetchTimeoutError(shown_url(url), time.monotonic() - started)
        sock.settimeout(wait)
        try:
            while True:
                packet, sender = sock.recvfrom(65536)
                if peer is None or (sender[0], sender[1]) == peer:
                    return packet, (sender[0], sender[1])
        except TimeoutError:
            continue
    raise FetchError(f"tftp: no answer from {shown_url(url)} after {RETRIES} tries")
