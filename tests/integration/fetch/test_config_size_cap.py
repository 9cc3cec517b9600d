"""One size cap for every config, whatever provider hands it over: a larger one is refused
while it is read, before it is parsed (a 1 GiB file once peaked at 3 GB of memory).
Sparse files, the qemu provider's fw_cfg layout in a directory, a real HTTP server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ignition_py.log import Logger
from ignition_py.providers.qemu import ENTRY, read_fw_cfg_config
from ignition_py.resources.stream import CONFIG_SIZE_LIMIT, TooLargeError, read_file_capped

from .servers import ScriptedServer
from .stagerun import run_stage

# The stage runs with an address-space limit well below the file: a provider that read
# the whole file before checking its size would die of MemoryError (a traceback).
MEMORY_LIMIT = 700 * 1024 * 1024


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def _limited() -> list[str]:
    return ["prlimit", f"--as={MEMORY_LIMIT}", "--"]


def test_file_provider_refuses_a_config_over_the_cap(tmp_path: Path) -> None:
    big = _sparse(tmp_path / "big.ign", 1024 * 1024 * 1024)
    result = run_stage(
        tmp_path, "fetch-offline", env={"IGNITION_CONFIG_FILE": str(big)}, prefix=_limited()
    )
    assert result.returncode == 1, result.output
    assert "larger than the 256 MiB limit" in result.output
    assert "Traceback" not in result.output and "MemoryError" not in result.output
    assert result.cached is None


def test_user_ign_in_the_system_config_dir_is_capped_too(tmp_path: Path) -> None:
    (tmp_path / "system").mkdir(parents=True)
    _sparse(tmp_path / "system" / "user.ign", CONFIG_SIZE_LIMIT + 1)
    result = run_stage(tmp_path, "fetch-offline", config=b"", prefix=_limited())
    assert result.returncode == 1, result.output
    assert "larger than the 256 MiB limit" in result.output
    assert "Traceback" not in result.output


def test_the_cap_is_inclusive_and_checked_on_what_is_read(tmp_path: Path) -> None:
    (tmp_path / "ten").write_bytes(b"0123456789")
    assert read_file_capped(tmp_path / "ten", limit=10) == b"0123456789"
    with pytest.raises(TooLargeError):
        read_file_capped(tmp_path / "ten", limit=9)
    # a file with no size (a pipe) is cut off by what is read, not by its size
    read_end, write_end = os.pipe()
    os.write(write_end, b"x" * 20)
    os.close(write_end)
    with pytest.raises(TooLargeError):
        read_file_capped(f"/proc/self/fd/{read_end}", limit=10)
    os.close(read_end)


def test_qemu_fw_cfg_announcing_more_than_the_cap_is_refused_before_reading(
    tmp_path: Path,
) -> None:
    entry = tmp_path / ENTRY
    entry.mkdir(parents=True)
    (entry / "size").write_text(f"{CONFIG_SIZE_LIMIT + 1}\n")
    (entry / "raw").write_bytes(b"{}")
    with pytest.raises(TooLargeError, match="256 MiB limit"):
        read_fw_cfg_config(tmp_path, Logger("test", to_stdout=True))


def test_metadata_service_body_over_the_cap_is_refused(
    tmp_path: Path, server: ScriptedServer
) -> None:
    chunk = b" " * (1024 * 1024)
    # a body one MiB over the cap, streamed
    server.httpd.RequestHandlerClass = _streaming_handler(
        chunk, CONFIG_SIZE_LIMIT // len(chunk) + 1
    )
    result = run_stage(
        tmp_path,
        "fetch",
        cmdline=f"ignition.config.url={server.url('/big.ign')}",
        prefix=_limited(),
        timeout=300,
    )
    assert result.returncode == 1, result.output
    assert "larger than the 256 MiB limit" in result.output
    assert "Traceback" not in result.output


def _streaming_handler(chunk: bytes, count: int) -> type:
    from http.server import BaseHTTPRequestHandler

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(chunk) * count))
            self.end_headers()
            try:
                for _ in range(count):
                    self.wfile.write(chunk)
            except OSError:
                pass

    return Handler
