"""File contents from a real HTTP server on 127.0.0.1: the resource fetcher plugged into
read_contents (raw bytes fetched, then gunzipped and verified here), compared with Go
Ignition 2.14 fetching the same URLs."""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.oracles import DEBIAN

from .safety_support import serving
from .support import NOT_ROOT, make_root, run_go, run_ours, snapshot, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)
BODY = b"served over http\n" * 1000
FILES = {"/plain": b"plain body\n", "/big.gz": gzip.compress(BODY), "/tail": b"appended\n"}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = FILES.get(self.path.split("?")[0])
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as url:
        yield url


def config(base: str, digest: str) -> dict[str, object]:
    return {
        "ignition": {"version": "3.3.0"},
        "storage": {
            "files": [
                {"path": "/etc/plain", "contents": {"source": f"{base}/plain?token=SECRET"}},
                {
                    "path": "/etc/big",
                    "mode": 0o600,
                    "contents": {
                        "source": f"{base}/big.gz",
                        "compression": "gzip",
                        "verification": {"hash": digest},
                    },
                    "append": [{"source": f"{base}/tail"}],
                },
            ]
        },
    }


def test_http_contents_gunzipped_and_verified(server: str) -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        done = run_ours(
            config(server, "sha512-" + hashlib.sha512(BODY).hexdigest()), root, work / "s"
        )
        assert done.returncode == 0, done.output
        assert (root / "etc/plain").read_bytes() == b"plain body\n"
        assert (root / "etc/big").read_bytes() == BODY + b"appended\n"
        assert "SECRET" not in done.output


def test_http_hash_mismatch_writes_nothing(server: str) -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        done = run_ours(config(server, "sha512-" + "0" * 128), root, work / "s")
        assert done.returncode == 1 and "hash verification failed" in done.output
        assert not (root / "etc/big").exists()
        assert [p.name for p in (root / "etc").iterdir() if p.name.endswith(".ignition")] == []


@pytest.mark.oracle
@pytest.mark.skipif(not DEBIAN.agent.exists(), reason="Go Ignition 2.14 absent: no oracle")
def test_same_tree_as_go(server: str) -> None:
    cfg = config(server, "sha512-" + hashlib.sha512(BODY).hexdigest())
    trees = []
    for name, run in (("ours", run_ours), ("go", run_go)):
        with work_dir() as work:
            root: Path = work / name
            make_root(root)
            done = run(cfg, root, work / "s")
            assert done.returncode == 0, done.output
            trees.append(snapshot(root, ("etc/.ignition-result.json",)))
    assert trees[0] == trees[1]
