"""Every log line that names a fetched URL names it as fetched: with its port, without
user info or a query string's secrets. Real stages against a server on 127.0.0.1 whose
port is never 80, for each kind of fetch that logs a URL: the config from the kernel
command line, a merged child config, a CA, and file contents in the files stage."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ..files.support import NOT_ROOT, make_root, run_ours, work_dir
from .servers import Answer, ScriptedServer
from .stagerun import run_stage

SECRET = "SECRET-TOKEN"


def _lines_naming(output: str, path: str) -> list[str]:
    return [line for line in output.splitlines() if path in line]


def _assert_shown_with_port(output: str, url_path: str, port: int) -> None:
    lines = _lines_naming(output, url_path)
    assert lines, f"no log line names {url_path}:\n{output}"
    for line in lines:
        assert f"127.0.0.1:{port}{url_path}" in line, line
    assert SECRET not in output
    assert "user:pw@" not in output


def test_fetch_stage_logs_config_and_merged_urls_with_their_port(
    tmp_path: Path, server: ScriptedServer
) -> None:
    child = {"ignition": {"version": "3.4.0"}}
    server.route(f"/child.ign?token={SECRET}", Answer(200, json.dumps(child).encode()))
    parent = {
        "ignition": {
            "version": "3.4.0",
            "config": {"merge": [{"source": server.url(f"/child.ign?token={SECRET}")}]},
        }
    }
    server.route("/user.ign", Answer(200, json.dumps(parent).encode()))
    url = server.url("/user.ign").replace("://", "://user:pw@", 1)
    result = run_stage(tmp_path, "fetch", cmdline=f"ignition.config.url={url}")
    assert result.returncode == 0, result.output
    port = server.port
    assert port != 80
    _assert_shown_with_port(result.output, "/user.ign", port)
    _assert_shown_with_port(result.output, "/child.ign", port)


@pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)
def test_files_stage_logs_contents_urls_with_their_port(server: ScriptedServer) -> None:
    server.route(f"/motd?sig={SECRET}", Answer(200, b"hello\n"))
    server.route("/tail", Answer(200, b"more\n"))
    config = {
        "ignition": {"version": "3.4.0"},
        "storage": {
            "files": [
                {
                    "path": "/etc/motd",
                    "contents": {"source": server.url(f"/motd?sig={SECRET}")},
                    "append": [{"source": server.url("/tail")}],
                }
            ]
        },
    }
    port = server.port
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        done = run_ours(config, root, work / "s")
        assert done.returncode == 0, done.output
        assert (root / "etc/motd").read_bytes() == b"hello\nmore\n"
    _assert_shown_with_port(done.output, "/motd", port)
    _assert_shown_with_port(done.output, "/tail", port)
