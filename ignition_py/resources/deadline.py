"""A total deadline over everything a request does on the network: connecting, waiting
for the headers, and reading the body.

A socket timeout bounds each recv, not a transfer: a server that trickles a byte at a time
would outlive any deadline. So every socket a request opens is registered with the
request's DeadlineGuard, whose timer shuts them down when the deadline passes; the read
then ends at once and the caller reports the timeout with the real elapsed time.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

from ..typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_current = threading.local()


class DeadlineGuard:
    """Shuts down every socket watched by it once ``deadline`` (time.monotonic) passes."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(deadline - time.monotonic(), 0), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: Any) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()

    @contextlib.contextmanager
    def connecting(self) -> Iterator[None]:
        """Sockets connected in this thread meanwhile are watched (see connection_classes)."""
        _current.guard = self
        try:
            yield
        finally:
            _current.guard = None


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _register(sock: Any) -> None:
    guard = getattr(_current, "guard", None)
    if guard is not None:
        guard.watch(sock)


def pool_classes() -> dict[str, Any]:
    """urllib3 pool classes (for PoolManager.pool_classes_by_scheme) whose connections
    register their socket with the DeadlineGuard connecting in their thread."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.util.ssl_match_hostname import CertificateError

    from .tls import refuse_without_subject_alt_name

    class _HTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            _register(self.sock)

        def request(self, *args: Any, **kwargs: Any) -> Any:
            _register(self.sock)  # a kept-alive connection, connected for an earlier request
            return super().request(*args, **kwargs)

    class _HTTPSConnection(HTTPSConnection):
        def connect(self) -> None:
            try:
                super().connect()
            except CertificateError as err:
                refuse_without_subject_alt_name(getattr(err, "_peer_cert", None), err)
                raise
            _register(self.sock)
            peer: Any = self.sock  # an SSLSocket once connected
            try:
                refuse_without_subject_alt_name(peer.getpeercert())
            except CertificateError:
                self.close()
                raise

        def request(self, *args: Any, **kwargs: Any) -> Any:
            _register(self.sock)
            return super().request(*args, **kwargs)

    class _HTTPPool(HTTPConnectionPool):
        ConnectionCls = _HTTPConnection

    class _HTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _HTTPSConnection

    return {"http": _HTTPPool, "https": _HTTPSPool}
