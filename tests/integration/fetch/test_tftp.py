"""tftp:// against tftpd-hpa on 127.0.0.1: a config and a large gzip'ed resource with
its hash, streamed; a missing file is "not found"."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ignition_py.config.model import Resource, Verification
from ignition_py.log import Logger
from ignition_py.resources.errors import NotFoundError
from ignition_py.resources.fetcher import Fetcher
from ignition_py.resources.stream import read_all

from .stagerun import run_stage

TFTPD = "/usr/sbin/in.tftpd"


@pytest.fixture
def tftp_root(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    if not Path(TFTPD).exists() or shutil.which("ip") is None:
        reason = f"{TFTPD} absent (apt-get install tftpd-hpa): no TFTP server to test against"
        print(reason)
        pytest.skip(reason)
    root = tmp_path / "tftp"
    root.mkdir()
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    server = subprocess.Popen(
        [TFTPD, "--foreground", "--address", f"127.0.0.1:{port}", "--secure", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    try:
        yield root, port
    finally:
        server.terminate()
        server.wait(10)


def test_tftp_resource_gzip_and_hash(tftp_root: tuple[Path, int]) -> None:
    root, port = tftp_root
    payload = bytes(range(256)) * 8000  # 2 MB: many blocks
    (root / "big.gz").write_bytes(gzip.compress(payload))
    resource = Resource(
        source=f"tftp://127.0.0.1:{port}/big.gz",
        compression="gzip",
        verification=Verification("sha512-" + hashlib.sha512(payload).hexdigest()),
    )
    assert read_all(Fetcher(Logger("t")).open_resource(resource)) == payload


def test_tftp_missing_file(tftp_root: tuple[Path, int]) -> None:
    _, port = tftp_root
    with pytest.raises(NotFoundError):
        Fetcher(Logger("t")).fetch_bytes(f"tftp://127.0.0.1:{port}/absent.ign")


def test_tftp_config_from_the_kernel_command_line(
    tftp_root: tuple[Path, int], tmp_path: Path
) -> None:
    root, port = tftp_root
    (root / "node.ign").write_text(
        '{"ignition": {"version": "3.3.0"}, "storage": {"files": [{"path": "/tftp"}]}}'
    )
    cmdline = f"ignition.config.url=tftp://127.0.0.1:{port}/node.ign"
    offline = run_stage(tmp_path / "run", "fetch-offline", "metal", cmdline=cmdline)
    assert offline.returncode == 0 and offline.neednet.exists() and offline.cached is None
    result = run_stage(tmp_path / "run", "fetch", "metal", cmdline=cmdline)
    assert result.returncode == 0, result.output
    assert result.cached == {
        "ignition": {"version": "3.6.0"},
        "storage": {"files": [{"path": "/tftp"}]},
    }
