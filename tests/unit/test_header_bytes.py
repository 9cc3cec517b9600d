"""A header value outside Latin-1 (valid for Go's net/http, which sends its UTF-8 bytes)
is sent as those bytes, not a UnicodeEncodeError traceback in the fetch stage."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ignition_py.log import Logger
from ignition_py.resources.http import HttpClient, HttpRequest, HttpSettings

_received: list[bytes] = []


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        _received.append(self.headers.get("X-A", "").encode("latin-1"))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/x"
    httpd.shutdown()
    httpd.server_close()


def test_utf8_header_value_is_sent_as_its_bytes(server: str) -> None:
    client = HttpClient(Logger("fetch", stream=io.StringIO()), HttpSettings())
    response = client.send(HttpRequest(server, headers={"X-A": "caf\u00e9 \u20ac"}))
    response.close()
    assert _received == ["caf\u00e9 \u20ac".encode()]
