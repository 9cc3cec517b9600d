"""A LUKS keyFile of any scheme the spec allows is fetched, as upstream does (ignition-py
said "unsupported source scheme" for http, s3, tftp, gs), with the gunzip and hash checks
of file contents; the volume is formatted with the fetched key. device-mapper is missing
here, so the check is that the key opens the header, not a mapping."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from ignition_py.resources.dataurl import encode_data_url
from ignition_py.state import load_state
from testkit.agents import OURS
from testkit.loopdisks import Before, Runner, fingerprint, loop_disks, probe, sh
from tests.oracles import UPSTREAM, require

from ..fetch.servers import Answer, ScriptedServer
from .cases import disk
from .luks_header import closed_after
from .test_plan import plan

CONFIG_VERSION = "3.3.0"
KEY = b"fetched-luks-key-" + bytes(range(32, 127))
FAST_KDF = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"]


def _config(device: str, key_file: Mapping[str, object]) -> dict[str, Any]:
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
    with loop_disks((Before(size_mib=32),), tmp_path) as disks, closed_after("data"):
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
        persisted = load_state(tmp_path / "state").luks_keys
        assert persisted == {"data": encode_data_url(KEY)}


def test_plan_shows_where_the_key_comes_from_and_fetches_nothing(
    tmp_path: Path, server: ScriptedServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ignition-py plan` used to fetch every keyFile while planning; the key is had by
    an action of the stage, so the plan only shows the URL (query hidden)."""
    server.route("/keys/data", Answer(body=KEY))
    key_file = {"source": server.url("/keys/data") + "?token=s3cret"}
    with loop_disks((Before(size_mib=32),), tmp_path) as disks, closed_after("data"):
        code, out, err = plan(tmp_path, _config(disks[0].device, key_file), capsys)
        assert code == 0, err
        assert server.seen == []
        assert f"luks data: key from keyFile {server.url('/keys/data')}?..." in out
        assert "s3cret" not in out + err
        assert probe(disks[0].device).get("TYPE") is None


@pytest.mark.parametrize("fault", ["hash", "missing"])
def test_a_key_file_that_cannot_be_had_changes_no_disk(
    tmp_path: Path, server: ScriptedServer, fault: str
) -> None:
    """Keys are fetched before the first write: the disk partitioned earlier in the same
    config is not touched either (upstream partitions it, then fails on the key)."""
    server.route("/keys/data", Answer(body=KEY))
    key_file: dict[str, object] = {"source": server.url("/keys/missing")}
    if fault == "hash":
        key_file = {
            "source": server.url("/keys/data"),
            "verification": {"hash": f"sha512-{hashlib.sha512(b'other').hexdigest()}"},
        }
    two = (Before(size_mib=32), Before(size_mib=32))
    with loop_disks(two, tmp_path) as disks, closed_after("data"):
        config = _config(disks[1].device, key_file)
        config["storage"]["disks"] = [disk(disks[0].device, {"number": 1, "sizeMiB": 8})]
        image = fingerprint(disks[0])
        result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 1
        assert (
            "failed to create luks: failed to create keyfile for luks data "
            "($.storage.luks.0.keyFile): "
        ) in result.output
        assert ("hash" if fault == "hash" else "404") in result.output.lower()
        assert fingerprint(disks[0]) == image
        assert probe(disks[1].device).get("TYPE") is None


FAILED_KEY = re.compile(
    r"Ignition failed: failed to create luks: failed to create keyfile "
    r'(?:"/tmp/ignition-luks-\d+"|for luks data \(\$\.storage\.luks\.0\.keyFile\)): (.*)'
)


def test_a_bad_key_fails_with_upstreams_message(tmp_path: Path, server: ScriptedServer) -> None:
    """v2.26.0: `failed to create luks: failed to create keyfile "/tmp/ignition-luks-N":
    WHY`; ignition-py names the volume and its JSON path instead of a temporary file."""
    require(UPSTREAM)
    server.route("/keys/data", Answer(body=KEY))
    key_file = {"source": server.url("/keys/data"), "verification": {"hash": "sha512-" + "0" * 128}}
    reasons = []
    for name, agent in (("ours", OURS), ("upstream", UPSTREAM.agent)):
        work = tmp_path / name
        work.mkdir()
        with loop_disks((Before(size_mib=32),), work) as disks, closed_after("data"):
            config = _config(disks[0].device, key_file)
            done = Runner(work, agent).stage("disks", config, work / "root")
            assert done.returncode == 1
            found = FAILED_KEY.search(done.output)
            assert found is not None, done.output
            reasons.append(found.group(1))
            assert probe(disks[0].device).get("TYPE") is None
    assert reasons[0] == reasons[1]
