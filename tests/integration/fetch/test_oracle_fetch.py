"""fetch-offline and fetch through upstream Ignition (v2.26.0 for every case, Debian's 2.14
for specs up to 3.3) and through ignition-py, same configs, same servers: the same caches
and the same neednet verdicts."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from tests.oracles import ORACLES, Oracle, oracle_id, require

from .servers import Answer, CertAuthority, ScriptedServer, canonical
from .stagerun import run_stage

pytestmark = pytest.mark.oracle


def child(path: str, text: str) -> bytes:
    files = [{"path": path, "contents": {"source": f"data:,{text}"}, "mode": 420}]
    return json.dumps({"ignition": {"version": "3.2.0"}, "storage": {"files": files}}).encode()


def cases(server: ScriptedServer, tls: ScriptedServer, ca: CertAuthority) -> dict[str, bytes]:
    gz = gzip.compress(child("/gz", "gzipped"))
    server.route("/a.ign", Answer(200, child("/a", "a")))
    server.route("/b.ign.gz", Answer(200, gz))
    server.route("/ca.pem", Answer(200, ca.cert.read_bytes()))
    tls.route("/tls.ign", Answer(200, child("/tls", "over-tls")))
    digest = "sha512-" + hashlib.sha512(child("/a", "a")).hexdigest()
    ca_data = "data:;base64," + base64.b64encode(ca.cert.read_bytes()).decode()

    def config(version: str, ignition: dict[str, object], **rest: object) -> bytes:
        return json.dumps({"ignition": {"version": version, **ignition}, **rest}).encode()

    return {
        "plain-3.0": config("3.0.0", {}, storage={"files": [{"path": "/p", "mode": 384}]}),
        "merge-http-3.1": config(
            "3.1.0",
            {
                "config": {
                    "merge": [{"source": server.url("/a.ign"), "verification": {"hash": digest}}]
                }
            },
        ),
        "merge-gzip-3.1": config(
            "3.1.0",
            {"config": {"merge": [{"source": server.url("/b.ign.gz"), "compression": "gzip"}]}},
        ),
        "replace-3.2": config("3.2.0", {"config": {"replace": {"source": server.url("/a.ign")}}}),
        "tls-ca-http-3.3": config(
            "3.3.0",
            {
                "config": {"merge": [{"source": tls.url("/tls.ign")}]},
                "security": {
                    "tls": {"certificateAuthorities": [{"source": server.url("/ca.pem")}]}
                },
            },
        ),
        "tls-ca-data-3.3": config(
            "3.3.0",
            {
                "config": {"merge": [{"source": tls.url("/tls.ign")}]},
                "security": {"tls": {"certificateAuthorities": [{"source": ca_data}]}},
                "timeouts": {"httpTotal": 30},
            },
        ),
        "http-contents-3.3": config(
            "3.3.0", {}, storage={"files": [{"path": "/h", "contents": {"source": "http://x/h"}}]}
        ),
        "merge-http-3.4": config(
            "3.4.0",
            {"config": {"merge": [{"source": server.url("/a.ign")}]}},
            storage={"luks": [{"name": "d", "device": "/dev/vdb", "discard": True}]},
        ),
        "tls-ca-data-3.6": config(
            "3.6.0",
            {
                "config": {"merge": [{"source": tls.url("/tls.ign")}]},
                "security": {"tls": {"certificateAuthorities": [{"source": ca_data}]}},
            },
            storage={"files": [{"path": "/s", "mode": 2541}]},
        ),
        "replace-3.7-experimental": config(
            "3.7.0-experimental", {"config": {"replace": {"source": server.url("/a.ign")}}}
        ),
    }


NAMES = {
    "plain-3.0": "3.0.0",
    "merge-http-3.1": "3.1.0",
    "merge-gzip-3.1": "3.1.0",
    "replace-3.2": "3.2.0",
    "tls-ca-http-3.3": "3.3.0",
    "tls-ca-data-3.3": "3.3.0",
    "http-contents-3.3": "3.3.0",
    "merge-http-3.4": "3.4.0",
    "tls-ca-data-3.6": "3.6.0",
    "replace-3.7-experimental": "3.7.0-experimental",
}
RUNS = [
    pytest.param(name, oracle, id=f"{name}-{oracle_id(oracle)}")
    for name, spec in NAMES.items()
    for oracle in ORACLES
    if oracle.knows(spec)
]


@pytest.mark.parametrize(("name", "oracle"), RUNS)
def test_same_cache_as_go(
    name: str,
    oracle: Oracle,
    tmp_path: Path,
    server: ScriptedServer,
    tls_server: ScriptedServer,
    test_ca: CertAuthority,
) -> None:
    require(oracle)
    config = cases(server, tls_server, test_ca)[name]
    outcomes = {}
    for agent in ("go", "ours"):
        work = tmp_path / agent
        extra = {"agent": str(oracle.agent)} if agent == "go" else {}
        offline = run_stage(work, "fetch-offline", config=config, **extra)  # type: ignore[arg-type]
        assert offline.returncode == 0, offline.output
        if offline.cached is None:
            online = run_stage(work, "fetch", config=config, **extra)  # type: ignore[arg-type]
            assert online.returncode == 0, online.output
        outcomes[agent] = (
            offline.neednet.exists(),
            canonical(json.loads(offline.cache.read_text())),
        )
    assert outcomes["ours"] == outcomes["go"]
