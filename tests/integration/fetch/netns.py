"""A metadata network for one test: two network namespaces joined by a veth pair. The
server side holds the production metadata addresses (169.254.169.254, 100.100.100.200,
169.254.42.42); the client side is where the stage runs (`ip netns exec`), so the
providers' default endpoints are exercised unchanged. Servers are created inside the
server namespace (setns around the bind) and served from this process's threads.
Names that must resolve (S3, GCS, Equinix) go into /etc/netns/CLIENT/hosts, which
`ip netns exec` mounts over /etc/hosts."""

from __future__ import annotations

import ctypes
import os
import shutil
import ssl
import subprocess
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from socketserver import BaseRequestHandler, TCPServer
from typing import Any, TypeVar

from .servers import ScriptedServer

CLONE_NEWNET = 0x40000000
SERVER_ADDRESSES = ("169.254.169.254/16", "100.100.100.200/32", "169.254.42.42/32")
T = TypeVar("T")


def netns_unavailable_reason() -> str | None:
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "iproute2's ip is not installed"
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


class MetadataNet:
    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        tag = uuid.uuid4().hex[:8]
        self.client = f"ignpy-c-{tag}"
        self.server = f"ignpy-s-{tag}"
        self.hosts = hosts or {}
        self.servers: list[ScriptedServer] = []

    def __enter__(self) -> MetadataNet:
        _ip("netns", "add", self.client)
        _ip("netns", "add", self.server)
        _ip(
            "link",
            "add",
            "vc",
            "netns",
            self.client,
            "type",
            "veth",
            "peer",
            "vs",
            "netns",
            self.server,
        )
        for address in SERVER_ADDRESSES:
            _ip("-n", self.server, "addr", "add", address, "dev", "vs")
        _ip("-n", self.client, "addr", "add", "169.254.0.2/16", "dev", "vc")
        for namespace, link in ((self.client, "vc"), (self.server, "vs")):
            _ip("-n", namespace, "link", "set", link, "up")
            _ip("-n", namespace, "link", "set", "lo", "up")
        _ip("-n", self.client, "route", "add", "default", "dev", "vc")
        _ip("-n", self.server, "route", "add", "default", "dev", "vs")
        etc = Path("/etc/netns") / self.client
        etc.mkdir(parents=True)
        lines = ["127.0.0.1 localhost"] + [f"{ip} {name}" for name, ip in self.hosts.items()]
        (etc / "hosts").write_text("\n".join(lines) + "\n")
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.close()
        shutil.rmtree(Path("/etc/netns") / self.client, ignore_errors=True)
        for namespace in (self.client, self.server):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)

    def inside_server(self, make: Callable[[], T]) -> T:
        libc = ctypes.CDLL(None, use_errno=True)
        original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.server}", os.O_RDONLY)
        try:
            if libc.setns(target, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "setns into the server namespace")
            try:
                return make()
            finally:
                if libc.setns(original, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back")
        finally:
            os.close(original)
            os.close(target)

    def serve(
        self, ip: str = "169.254.169.254", port: int = 80, tls: ssl.SSLContext | None = None
    ) -> ScriptedServer:
        def bind() -> ThreadingHTTPServer:
            return QuickBindServer((ip, port), _placeholder)

        httpd = self.inside_server(bind)
        server = ScriptedServer(host=ip, tls=tls, make_socket=lambda: httpd)
        self.servers.append(server)
        return server

    def prefix(self) -> list[str]:
        return ["ip", "netns", "exec", self.client]


class QuickBindServer(ThreadingHTTPServer):
    """HTTPServer.server_bind looks the address up in DNS (getfqdn): in a namespace
    without DNS that costs seconds."""

    def server_bind(self) -> None:
        TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])


class _placeholder(BaseRequestHandler):  # replaced by ScriptedServer's handler
    def handle(self) -> None:
        raise RuntimeError("no handler")


@contextmanager
def metadata_net(hosts: dict[str, str] | None = None) -> Any:
    with MetadataNet(hosts) as net:
        yield net
