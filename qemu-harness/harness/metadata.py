"""Cloud metadata services the guest reaches at 169.254.169.254, served from the host:
an HTTP server on 127.0.0.1 speaking the provider's paths and headers, and the relay
QEMU runs for every guest connection (its guestfwd `cmd:` form)."""

from __future__ import annotations

import base64
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RELAY = Path(__file__).with_name("relay.py")
AWS_TOKEN = "harness-imdsv2-token"


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]


Route = Callable[["Handler"], tuple[int, bytes]]


@dataclass
class MetadataServer:
    routes: dict[tuple[str, str], Route]
    requests: list[Request] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> int:
        owner = self

        class BoundHandler(Handler):
            server_owner = owner

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), BoundHandler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self._server.server_address[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def relay_command(self) -> str:
        assert self._server is not None
        return f"{sys.executable} {RELAY} {self._server.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server_owner: MetadataServer

    def _answer(self) -> None:
        owner = self.server_owner
        owner.requests.append(Request(self.command, self.path, dict(self.headers.items())))
        route = owner.routes.get((self.command, self.path))
        status, body = route(self) if route else (404, b"not found\n")
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        return  # requests are kept in owner.requests; keep the terminal quiet


def aws_imds(config: bytes) -> MetadataServer:
    """IMDSv2: a session token from PUT /latest/api/token, required by every GET."""

    def token(handler: Handler) -> tuple[int, bytes]:
        if "X-aws-ec2-metadata-token-ttl-seconds" not in handler.headers:
            return 400, b"missing ttl header\n"
        return 200, AWS_TOKEN.encode()

    def with_token(body: bytes) -> Route:
        def answer(handler: Handler) -> tuple[int, bytes]:
            if handler.headers.get("X-aws-ec2-metadata-token") != AWS_TOKEN:
                return 401, b"unauthorized\n"
            return 200, body

        return answer

    identity = json.dumps({"region": "us-east-2", "instanceId": "i-harness"}).encode()
    return MetadataServer(
        {
            ("PUT", "/latest/api/token"): token,
            ("GET", "/2019-10-01/user-data"): with_token(config),
            ("GET", "/latest/meta-data/placement/region"): with_token(b"us-east-2"),
            ("GET", "/latest/dynamic/instance-identity/document"): with_token(identity),
            ("GET", "/2019-10-01/dynamic/instance-identity/document"): with_token(identity),
        }
    )


def azure_imds(config: bytes | None) -> MetadataServer:
    """Azure IMDS userData (base64); None serves it empty, so the agent reads the CD-ROM."""
    path = "/metadata/instance/compute/userData?api-version=2021-01-01&format=text"

    def user_data(handler: Handler) -> tuple[int, bytes]:
        if handler.headers.get("Metadata") != "true":
            return 400, b"Bad request: Metadata header required\n"
        return 200, base64.b64encode(config) if config else b""

    return MetadataServer({("GET", path): user_data})
