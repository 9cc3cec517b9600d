"""Real servers for the fetch tests: an HTTP(S) server whose routes script their
answers (status sequences, slow headers, resets), a test CA made with openssl, and a
Go-style config canonicalizer for comparing caches."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line: "slow headers"
    reset: bool = False  # close the connection without answering


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    at: float
    client: tuple[str, int] = ("", 0)


Handler = Callable[[Seen], Answer]


class Route:
    """Answers in order; the last one repeats."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.count = 0

    def __call__(self, seen: Seen) -> Answer:
        answer = self.answers[min(self.count, len(self.answers) - 1)]
        self.count += 1
        return answer


class ScriptedServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        make_socket: Callable[[], ThreadingHTTPServer] | None = None,
    ) -> None:
        self.routes: dict[tuple[str, str], Handler] = {}
        self.fallback: Handler | None = None
        self.seen: list[Seen] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                seen = Seen(
                    self.command,
                    self.path,
                    dict(self.headers.items()),
                    time.monotonic(),
                    (self.client_address[0], self.client_address[1]),
                )
                server.seen.append(seen)
                handler = server.routes.get((self.command, self.path)) or server.fallback
                answer = handler(seen) if handler else Answer(404, b"not found")
                if answer.reset:
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    self.close_connection = True
                    return
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(answer.body)

            do_GET = do_PUT = do_HEAD = do_POST = _serve

        if make_socket is not None:
            self.httpd = make_socket()
            self.httpd.RequestHandlerClass = _Handler
        else:
            self.httpd = ThreadingHTTPServer((host, port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = _quiet  # type: ignore[method-assign]
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port = self.httpd.server_address[1]
        self.host = host
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://{self.host}:{self.port}{path}"

    def route(self, path: str, *answers: Answer, method: str = "GET") -> Route:
        route = Route(*answers)
        self.routes[(method, path)] = route
        return route

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _quiet(request: object, client_address: object) -> None:
    """Handshake failures of TLS tests are expected: keep them off stderr."""


@dataclass(frozen=True)
class CertAuthority:
    cert: Path
    key: Path

    def issue(
        self, directory: Path, names: list[str], ips: tuple[str, ...] = (), *, san: bool = True
    ) -> tuple[Path, Path]:
        """A server certificate with CN names[0] and, unless not ``san``, every name and IP
        address in subjectAltName (without, the CN alone names the host, as Go refuses)."""
        key = directory / f"{names[0].replace('*', 'star')}.key"
        cert = key.with_suffix(".pem")
        csr = key.with_suffix(".csr")
        _openssl(
            "req",
            "-new",
            *NEW_EC_KEY,
            "-keyout",
            str(key),
            "-out",
            str(csr),
            "-subj",
            f"/CN={names[0]}",
        )
        alt = ",".join([f"DNS:{n}" for n in names] + [f"IP:{ip}" for ip in ips])
        extensions = directory / f"{key.stem}.ext"
        alt_names = f"subjectAltName={alt}\n" if san else ""
        extensions.write_text(f"{alt_names}basicConstraints=CA:FALSE\n")
        _openssl(
            "x509",
            "-req",
            "-in",
            str(csr),
            "-CA",
            str(self.cert),
            "-CAkey",
            str(self.key),
            "-CAcreateserial",
            "-out",
            str(cert),
            "-days",
            "2",
            "-extfile",
            str(extensions),
        )
        return cert, key

    def server_context(
        self, directory: Path, names: list[str], ips: tuple[str, ...] = (), *, san: bool = True
    ) -> ssl.SSLContext:
        cert, key = self.issue(directory, names, ips, san=san)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        return context


def make_ca(directory: Path, name: str = "ignition-py test CA") -> CertAuthority:
    directory.mkdir(parents=True, exist_ok=True)
    key = directory / "ca.key"
    cert = directory / "ca.pem"
    _openssl(
        "req",
        "-x509",
        *NEW_EC_KEY,
        "-keyout",
        str(key),
        "-out",
        str(cert),
        "-days",
        "2",
        "-subj",
        f"/CN={name}",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    return CertAuthority(cert, key)


NEW_EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def canonical(tree: Any) -> Any:
    """Go writes every optional object as {} and ours omits it: drop empty values and
    the version, so that two caches compare by what they say."""
    if isinstance(tree, dict):
        out = {k: canonical(v) for k, v in tree.items() if k != "version"}
        return {k: v for k, v in out.items() if v not in ({}, [], None, "")}
    if isinstance(tree, list):
        return [canonical(item) for item in tree]
    return tree
