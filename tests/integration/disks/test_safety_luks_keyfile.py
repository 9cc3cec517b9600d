"""A LUKS keyFile of any scheme the spec allows is fetched, as upstream does (ignition-py
said "unsupported source scheme" for http, s3, tftp, gs), with the gunzip and hash checks
of file contents; the volume is formatted with the fetched key. device-mapper is missing
here, so the check is that the key opens the header, not a mapping."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from ignition_py.resources.dataurl import encode_data_url
from ignition_py.state import load_state

from ..fetch.servers import Answer, ScriptedServer
from .harness import Before, Runner, loop_disks, probe, sh

CONFIG_VERSION = "3.3.0"
KEY = b"fetched-luks-key-" + bytes(range(32, 127))
FAST_KDF = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"]


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    serving = ScriptedServer()
    try:
        yield serving
    finally:
        serving.close()


def _config(device: str, key_file: Mapping[str, object]) -> dict[str, object]:
    luks = {"name": "data", "device": device, "wipeVolume": True, "keyFile": key_file,
            "options": FAST_KDF}  # fmt: skip
    return {"ignition": {"version": CONFIG_VERSION}, "storage": {"luks": [luks]}}


def test_http_key_file_is_fetched_gunzipped_checked_and_formats_the_volume(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.route("/keys/data.gz", Answer(body=gzip.compress(KEY)))
    key_file = {
        "source": server.url("/keys/data.gz"),
        "compression": "gzip",
        "verification": {"hash": f"sha512-{hashlib.sha512(KEY).hexdigest()}"},
    }
    with loop_disks((Before(size_mib=32),), tmp_path) as disks:
        runner = Runner(tmp_path)
        result = runner.stage("disks", _config(disks[0].device, key_file), tmp_path / "root")
        assert len(server.requests_to("/keys/data.gz")) == 1
        assert "unsupported source scheme" not in result.output
        assert probe(disks[0].device).get("TYPE") == "crypto_LUKS"
        key = tmp_path / "expected.key"
        key.write_bytes(KEY)
        sh("cryptsetup", "luksOpen", "--test-passphrase", "--key-file", str(key),
           disks[0].device)  # fmt: skip
        assert KEY.decode() not in result.output
        persisted = load_state(tmp_path / "state").get("luksPersistKeyFiles") or {}
        assert persisted == {"data": encode_data_url(KEY)}


def test_a_key_file_failing_its_hash_formats_nothing(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.route("/keys/data", Answer(body=KEY))
    key_file = {
        "source": server.url("/keys/data"),
        "verification": {"hash": f"sha512-{hashlib.sha512(b'other').hexdigest()}"},
    }
    with loop_disks((Before(size_mib=32),), tmp_path) as disks:
        result = Runner(tmp_path).stage("disks", _config(disks[0].device, key_file), tmp_path)
        assert result.returncode == 1
        assert "keyFile" in result.output and "hash" in result.output.lower()
        assert probe(disks[0].device).get("TYPE") is None
