"""One content pipeline: the same mistake in a resource (empty, bad or truncated gzip, a bad
gzip checksum, a hash mismatch, a config over the size cap) gives the same message from
every stage that reads one: file contents, appends, a LUKS key file (fetched over HTTP by
the disks stage), merge and replace references (fetch-offline). The message is v2.26.0's
(checked against the oracle on file contents). Before the pipeline was one, an empty gzip
resource was "truncated" in the files stage and "empty, not gzip data" in fetch-offline.

Over-size applies to configs only: upstream caps no file contents or key, and neither does
ignition-py, so that combination is not a case."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pytest

from testkit.loopdisks import Before, Runner, loop_disks, probe, unavailable_reason
from tests.oracles import UPSTREAM, require

from ..fetch.servers import Answer, ScriptedServer
from .support import NOT_ROOT, make_root, run_ours
from .upstream import run_upstream

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)

GOOD = gzip.compress(b'{"ignition": {"version": "3.4.0"}}\n')
OTHER_HASH = "0" * 128
# name: (bytes of the resource, compression, expected sha512 or None, the message)
MISTAKES: dict[str, tuple[bytes, str | None, str | None, str]] = {
    "empty gzip": (b"", "gzip", None, "EOF (the gzip data is empty)"),
    "bad gzip": (b"this is not gzip data", "gzip", None, "gzip: invalid header"),
    "truncated gzip": (GOOD[:-6], "gzip", None, "unexpected EOF (the gzip data is truncated)"),
    "bad gzip checksum": (
        GOOD[:-8] + bytes(4) + GOOD[-4:],
        "gzip",
        None,
        "gzip: invalid checksum",
    ),
    "hash mismatch": (
        b"{}",
        None,
        OTHER_HASH,
        f"hash verification failed (calculated {hashlib.sha512(b'{}').hexdigest()} "
        f"but expected {OTHER_HASH})",
    ),
}
# 257 MiB of spaces once gunzipped: one byte over the 256 MiB config cap
OVER_SIZE = (
    gzip.compress(b" " * (257 << 20)),
    "gzip",
    None,
    "resource is larger than the 256 MiB limit",
)


def resource(source: str, compression: str | None, digest: str | None) -> dict[str, Any]:
    node: dict[str, Any] = {"source": source}
    if compression:
        node["compression"] = compression
    if digest:
        node["verification"] = {"hash": f"sha512-{digest}"}
    return node


def data_url(data: bytes) -> str:
    return "data:;base64," + base64.b64encode(data).decode()


def files_config(node: dict[str, Any], append: bool) -> dict[str, Any]:
    entry = {"path": "/etc/x", "append" if append else "contents": [node] if append else node}
    return {"ignition": {"version": "3.4.0"}, "storage": {"files": [entry]}}


def reference_config(node: dict[str, Any], how: str) -> dict[str, Any]:
    config = {"merge": [node]} if how == "merge" else {"replace": node}
    return {"ignition": {"version": "3.4.0", "config": config}}


@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("append", [False, True], ids=["contents", "append"])
def test_files_stage(tmp_path: Path, mistake: str, append: bool) -> None:
    data, compression, digest, message = MISTAKES[mistake]
    config = files_config(resource(data_url(data), compression, digest), append)
    root = tmp_path / "root"
    make_root(root)
    before = sorted(os.listdir(root / "etc"))
    done = run_ours(config, root, tmp_path / "s")
    assert done.returncode == 1
    assert f'failed to create file "/etc/x": {message}' in done.output, done.output
    assert sorted(os.listdir(root / "etc")) == before


@pytest.mark.parametrize("mistake", MISTAKES)
def test_the_message_starts_with_upstreams(tmp_path: Path, mistake: str) -> None:
    require(UPSTREAM)
    data, compression, digest, message = MISTAKES[mistake]
    config = files_config(resource(data_url(data), compression, digest), False)
    root = tmp_path / "root"
    make_root(root)
    done = run_upstream(config, root, tmp_path / "s")
    assert done.returncode == 1
    found = re.search(r'failed to create file "[^"]*": (.*)', done.output)
    assert found is not None, done.output
    assert message.startswith(found.group(1).strip()), (message, found.group(1))


@pytest.mark.parametrize("how", ["merge", "replace"])
@pytest.mark.parametrize("mistake", [*MISTAKES, "over size"])
def test_config_references(tmp_path: Path, mistake: str, how: str) -> None:
    data, compression, digest, message = OVER_SIZE if mistake == "over size" else MISTAKES[mistake]
    config = reference_config(resource(data_url(data), compression, digest), how)
    done = run_ours(config, tmp_path / "root", tmp_path / "s", stage="fetch-offline")
    assert done.returncode == 1
    assert f"failed to acquire config: {message}" in done.output, done.output
    assert not (tmp_path / "s" / "config.json").exists()


@pytest.mark.parametrize("mistake", MISTAKES)
def test_luks_key_file(tmp_path: Path, server: ScriptedServer, mistake: str) -> None:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    data, compression, digest, message = MISTAKES[mistake]
    server.route("/key", Answer(body=data))
    luks = {
        "name": "data",
        "device": "",
        "wipeVolume": True,
        "keyFile": resource(server.url("/key"), compression, digest),
    }
    with loop_disks((Before(size_mib=32),), tmp_path) as disks:
        luks["device"] = disks[0].device
        config = {"ignition": {"version": "3.4.0"}, "storage": {"luks": [luks]}}
        done = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert done.returncode == 1
        where = "failed to create keyfile for luks data ($.storage.luks.0.keyFile)"
        assert f"failed to create luks: {where}: {message}" in done.output, done.output
        assert probe(disks[0].device).get("TYPE") is None
