"""The total timeout bounds the whole transfer, however slowly a server trickles; errors no
retry can mend end the fetch at once; header values never reach a message. Real servers
on 127.0.0.1: a raw socket server for the trickles, the scripted one for the rest."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from ignition_py.config.model import HTTPHeader, Ignition, Resource, Timeouts
from ignition_py.log import Logger
from ignition_py.resources.errors import FetchError, FetchTimeoutError
from ignition_py.resources.fetcher import Fetcher
from ignition_py.resources.stream import read_all

from .servers import Answer, ScriptedServer

SECRET = "s3cr3t-header-value"


def fetcher(**timeouts: int) -> Fetcher:
    instance = Fetcher(Logger("test", to_stdout=True))
    instance.configure(Ignition(version="3.6.0", timeouts=Timeouts(**timeouts)))
    return instance


def _trickle_server(head: bytes, body_bytes: int) -> Iterator[int]:
    """Sends ``head`` one byte every 0.2 s, then ``body_bytes`` bytes the same way."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                for byte in head + b"x" * body_bytes:
                    if stop.is_set():
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        listener.close()


@pytest.fixture
def trickling_body() -> Iterator[int]:
    yield from _trickle_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 1000)


@pytest.fixture
def trickling_headers() -> Iterator[int]:
    yield from _trickle_server(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 500 + b"\r\n\r\n", 0)


@pytest.mark.parametrize("server_kind", ["trickling_body", "trickling_headers"])
def test_http_total_bounds_the_whole_transfer(
    server_kind: str, request: pytest.FixtureRequest
) -> None:
    port = request.getfixturevalue(server_kind)
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError) as raised:
        fetcher(http_total=2, http_response_headers=10).fetch_bytes(f"http://127.0.0.1:{port}/")
    elapsed = time.monotonic() - started
    assert 1.9 <= elapsed < 3.0, elapsed
    # the message gives the real time spent, not 0
    seconds = float(str(raised.value).rsplit("after ", 1)[1].split(" ")[0])
    assert 1.9 <= seconds < 3.0, raised.value


def test_a_header_value_with_a_line_break_fails_at_once_and_stays_secret(
    server: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.route("/c", Answer(200, b"ok"))
    resource = Resource(
        source=server.url("/c"), http_headers=(HTTPHeader("X-Token", f"{SECRET}\r\nX-Evil: 1"),)
    )
    started = time.monotonic()
    with pytest.raises(FetchError, match="X-Token") as raised:
        read_all(fetcher().open_resource(resource))
    assert time.monotonic() - started < 1.0
    assert server.seen == []
    assert SECRET not in str(raised.value)
    assert SECRET not in capsys.readouterr().out


@pytest.mark.parametrize("name", ["Bad Name", "X-Tok:en", ""])
def test_an_invalid_header_name_fails_at_once(server: ScriptedServer, name: str) -> None:
    resource = Resource(source=server.url("/c"), http_headers=(HTTPHeader(name, SECRET),))
    with pytest.raises(FetchError, match="invalid HTTP header name"):
        read_all(fetcher().open_resource(resource))
    assert server.seen == []


@pytest.mark.parametrize("target", ["file:///etc/shadow", "ftp://127.0.0.1/x", "gopher://h/"])
def test_a_redirect_away_from_http_fails_at_once(server: ScriptedServer, target: str) -> None:
    server.route("/c", Answer(302, headers={"Location": target}))
    started = time.monotonic()
    with pytest.raises(FetchError, match="not http"):
        fetcher().fetch_bytes(server.url("/c"))
    assert time.monotonic() - started < 1.0
    assert len(server.seen) == 1
