"""Real roots for the safety tests: the files stage run on a cached config (as a later
stage reads it, validation bypassed), tiny loop-mounted ext4 filesystems that fill up,
and an HTTP server on 127.0.0.1 that misbehaves on purpose."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from testkit.stagerun import run_stages

from .support import OURS, Run

GOOD = b"new contents\n" * 100
BAD_GZIP = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not really deflate at all"


def run_files(
    config: dict[str, Any], root: Path, scratch: Path, env: dict[str, str] | None = None
) -> Run:
    """`ignition -stage files` on `config` written straight into the config cache."""
    cached = json.dumps(config).encode()
    return run_stages(OURS, scratch, ["files"], root=root, cached_config=cached, env=env)


def config(**sections: Any) -> dict[str, Any]:
    return {"ignition": {"version": "3.4.0"}, **sections}


def sha512(data: bytes) -> str:
    return "sha512-" + hashlib.sha512(data).hexdigest()


@contextmanager
def tiny_ext4(mount_point: Path, size_kib: int = 2048, inodes: int | None = None) -> Iterator[Path]:
    """A `size_kib` ext4 image (no blocks reserved for root) loop-mounted on `mount_point`."""
    mount_point.mkdir(parents=True, exist_ok=True)
    image = mount_point.parent / f".{mount_point.name}.img"
    with open(image, "wb") as out:
        out.truncate(size_kib * 1024)
    argv = ["mkfs.ext4", "-q", "-F", "-m", "0", "-O", "^has_journal"]
    if inodes is not None:
        argv += ["-N", str(inodes)]
    subprocess.run([*argv, str(image)], check=True, capture_output=True)
    subprocess.run(["mount", "-o", "loop", str(image), str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        image.unlink(missing_ok=True)


def fill(directory: Path, spare: int = 0) -> None:
    """Use up every free inode and every free block of the filesystem of `directory`
    but `spare` bytes (in 1 KiB blocks)."""
    with open(directory / "filler", "wb", buffering=0) as out:
        chunk = b"\0" * 1024
        try:
            while True:
                out.write(chunk)
        except OSError:
            pass
        out.truncate(max(0, out.tell() - spare))
    number = 0
    while True:
        try:
            (directory / f"filler{number}").touch()
        except OSError:
            break
        number += 1
    if spare:
        for left in range(max(0, number - 4), number):  # inodes to use the spare blocks
            (directory / f"filler{left}").unlink()


class Misbehaving(BaseHTTPRequestHandler):
    """/good, /short (fewer bytes than Content-Length), /reset (a reset mid-body),
    /trickle (a byte a while, then a reset), /404, /badgzip."""

    def do_GET(self) -> None:
        name = self.path.split("?")[0]
        if name == "/404":
            self.send_error(404)
            return
        body = BAD_GZIP if name == "/badgzip" else GOOD
        self.send_response(200)
        self.send_header("Content-Length", str(len(GOOD) * 2 if name != "/good" else len(body)))
        self.end_headers()
        if name in ("/good", "/badgzip"):
            self.wfile.write(body)
            return
        self.wfile.write(body[:100])
        self.wfile.flush()
        if name == "/trickle":
            for byte in body[100:110]:
                time.sleep(0.05)
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
        if name in ("/reset", "/trickle"):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


def misbehaving_server() -> AbstractContextManager[str]:
    return serving(Misbehaving)


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering with ``handler``; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def gzipped_data_url(data: bytes) -> str:
    import base64

    return "data:;base64," + base64.b64encode(gzip.compress(data)).decode()
