"""fetch-offline and fetch through Go Ignition 2.14 and through ignition-py, same
configs (specs 3.0-3.3), same servers: the same caches and the same neednet verdicts."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from .servers import Answer, CertAuthority, ScriptedServer, canonical
from .stagerun import GO_AGENT, run_stage

pytestmark = pytest.mark.oracle


def needs_oracle() -> None:
    if not GO_AGENT.exists():
        reason = f"Go agent {GO_AGENT} absent (apt-get install ignition): no oracle"
        print(reason)
        pytest.skip(reason)


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
    }


@pytest.mark.parametrize(
    "name",
    [
        "plain-3.0",
        "merge-http-3.1",
        "merge-gzip-3.1",
        "replace-3.2",
        "tls-ca-http-3.3",
        "tls-ca-data-3.3",
        "http-contents-3.3",
    ],
)
def test_same_cache_as_go(
    name: str,
    tmp_path: Path,
    server: ScriptedServer,
    tls_server: ScriptedServer,
    test_ca: CertAuthority,
) -> None:
    needs_oracle()
    config = cases(server, tls_server, test_ca)[name]
    outcomes = {}
    for agent in ("go", "ours"):
        work = tmp_path / agent
        extra = {"agent": str(GO_AGENT)} if agent == "go" else {}
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
