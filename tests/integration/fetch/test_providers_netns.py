"""Every network provider against an emulator of its metadata service at the
production address, in a network namespace per test: the stages run unchanged with
`ip netns exec`, 169.254.169.254 (100.100.100.200, 169.254.42.42) routed over a veth
pair to the emulator. fetch-offline must send nothing and ask for the network; fetch
must cache the config. Where Go Ignition 2.14 knows the platform, it runs against the
same emulator and must cache the same config."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.oracles import DEBIAN

from .netns import MetadataNet, netns_unavailable_reason
from .servers import Answer, Handler, ScriptedServer, Seen, canonical
from .stagerun import run_stage


def user_config(marker: str) -> bytes:
    files = [{"path": f"/{marker}", "contents": {"source": f"data:,{marker}"}}]
    return json.dumps({"ignition": {"version": "3.2.0"}, "storage": {"files": files}}).encode()


def needing(headers: dict[str, str], answer: Answer) -> Handler:
    def handle(seen: Seen) -> Answer:
        got = {k.lower(): v for k, v in seen.headers.items()}
        if all(got.get(k.lower()) == v for k, v in headers.items()):
            return answer
        return Answer(401, b"missing header")

    return handle


def answers(*sequence: Answer) -> Handler:
    from .servers import Route

    return Route(*sequence)


@dataclass
class Case:
    platform: str
    # (address, method, path) -> handler
    routes: dict[tuple[str, str, str], Handler]
    expected: str | None  # the marker file of the config, None = empty config
    go: bool = False  # Go Ignition 2.14 supports it
    check: Callable[[dict[str, ScriptedServer]], None] | None = None
    late: float = 0.0  # the metadata service comes up this late
    hosts: dict[str, str] = field(default_factory=dict)


IMDS = "169.254.169.254"
AWS_UD = (IMDS, "GET", "/2019-10-01/user-data")
AWS_TOKEN = (IMDS, "PUT", "/latest/api/token")
AZURE_UD = (
    IMDS,
    "GET",
    "/metadata/instance/compute/userData?api-version=2021-01-01&format=text",
)


def aws_token_checked(servers: dict[str, ScriptedServer]) -> None:
    (token,) = servers[IMDS].requests_to("/latest/api/token")
    assert token.headers["X-aws-ec2-metadata-token-ttl-seconds"] == "21600"


def scaleway_low_port(servers: dict[str, ScriptedServer]) -> None:
    (seen,) = servers["169.254.42.42"].seen
    assert 0 < seen.client[1] < 1024, seen.client


CASES: dict[str, Case] = {
    "aws-imdsv2": Case(
        "aws",
        {
            AWS_TOKEN: needing(
                {"X-aws-ec2-metadata-token-ttl-seconds": "21600"}, Answer(200, b"tok-123")
            ),
            AWS_UD: needing(
                {"X-aws-ec2-metadata-token": "tok-123"}, Answer(200, user_config("aws"))
            ),
        },
        "aws",
        check=aws_token_checked,
    ),
    "aws-token-endpoint-missing": Case(
        "aws", {AWS_UD: answers(Answer(200, user_config("awsv1")))}, "awsv1", go=True
    ),
    "aws-no-user-data": Case("aws", {AWS_TOKEN: answers(Answer(200, b"t"))}, None, go=True),
    "azure": Case(
        "azure",
        {
            AZURE_UD: needing(
                {"Metadata": "true"}, Answer(200, base64.b64encode(user_config("azure")))
            )
        },
        "azure",
    ),
    "azure-404-410-500-then-ok": Case(
        "azure",
        {
            AZURE_UD: answers(
                Answer(404),
                Answer(410),
                Answer(500),
                Answer(200, base64.b64encode(user_config("azr"))),
            )
        },
        "azr",
    ),
    "gcp": Case(
        "gcp",
        {
            (IMDS, "GET", "/computeMetadata/v1/instance/attributes/user-data"): needing(
                {"Metadata-Flavor": "Google"}, Answer(200, user_config("gcp"))
            )
        },
        "gcp",
        go=True,
    ),
    "gcp-comes-up-late": Case(
        "gcp",
        {
            (IMDS, "GET", "/computeMetadata/v1/instance/attributes/user-data"): answers(
                Answer(200, user_config("gcplate"))
            )
        },
        "gcplate",
        late=2.0,
    ),
    "digitalocean": Case(
        "digitalocean",
        {(IMDS, "GET", "/metadata/v1/user-data"): answers(Answer(200, user_config("do")))},
        "do",
        go=True,
    ),
    "hetzner": Case(
        "hetzner",
        {(IMDS, "GET", "/hetzner/v1/userdata"): answers(Answer(200, user_config("hetzner")))},
        "hetzner",
    ),
    "vultr": Case(
        "vultr",
        {(IMDS, "GET", "/user-data/user-data"): answers(Answer(200, user_config("vultr")))},
        "vultr",
        go=True,
    ),
    "exoscale": Case(
        "exoscale",
        {(IMDS, "GET", "/1.0/user-data"): answers(Answer(200, user_config("exo")))},
        "exo",
        go=True,
    ),
    "upcloud": Case(
        "upcloud",
        {(IMDS, "GET", "/metadata/v1/user_data"): answers(Answer(200, user_config("up")))},
        "up",
    ),
    "aliyun": Case(
        "aliyun",
        {
            ("100.100.100.200", "GET", "/latest/user-data"): answers(
                Answer(200, user_config("aliyun"))
            )
        },
        "aliyun",
        go=True,
    ),
    "oraclecloud-429-then-ok": Case(
        "oraclecloud",
        {
            (IMDS, "GET", "/opc/v2/instance/metadata/user_data"): needing(
                {"Authorization": "Bearer Oracle"},
                Answer(200, base64.b64encode(user_config("oci"))),
            )
        },
        "oci",
    ),
    "akamai": Case(
        "akamai",
        {
            (IMDS, "PUT", "/v1/token"): needing(
                {"Metadata-Token-Expiry-Seconds": "300", "Accept": "text/plain"},
                Answer(200, b"akm-token\n"),
            ),
            (IMDS, "GET", "/v1/user-data"): needing(
                {"Metadata-Token": "akm-token"}, Answer(200, base64.b64encode(user_config("akm")))
            ),
        },
        "akm",
    ),
    "openstack": Case(
        "openstack",
        {
            (IMDS, "GET", "/openstack/latest/user_data"): answers(
                Answer(200, user_config("openstack"))
            )
        },
        "openstack",
        go=True,
    ),
    "brightbox": Case(
        "brightbox",
        {(IMDS, "GET", "/openstack/latest/user_data"): answers(Answer(200, user_config("bb")))},
        "bb",
    ),
    "scaleway": Case(
        "scaleway",
        {
            ("169.254.42.42", "GET", "/user_data/cloud-init"): answers(
                Answer(200, user_config("scw"))
            )
        },
        "scw",
        check=scaleway_low_port,
    ),
}


def setup_routes(net: MetadataNet, case: Case) -> dict[str, ScriptedServer]:
    servers: dict[str, ScriptedServer] = {}
    for (address, method, path), handler in case.routes.items():
        if address not in servers:
            servers[address] = net.serve(address)
        servers[address].routes[(method, path)] = handler
    return servers


@pytest.fixture
def net() -> Iterator[MetadataNet]:
    reason = netns_unavailable_reason()
    if reason:
        print(reason)
        pytest.skip(reason)
    with MetadataNet() as created:
        yield created


@pytest.mark.parametrize("name", sorted(CASES))
def test_provider_in_a_network_namespace(name: str, tmp_path: Path, net: MetadataNet) -> None:
    case = CASES[name]
    if case.late:
        servers: dict[str, ScriptedServer] = {}

        def start_late() -> None:
            time.sleep(case.late)
            servers.update(setup_routes(net, case))

        threading.Thread(target=start_late).start()
    else:
        servers = setup_routes(net, case)
    offline = run_stage(tmp_path / "ours", "fetch-offline", case.platform, prefix=net.prefix())
    assert offline.returncode == 0, offline.output
    assert offline.neednet.exists() and offline.cached is None
    assert all(not server.seen for server in servers.values()), "fetch-offline sent a request"
    result = run_stage(tmp_path / "ours", "fetch", case.platform, prefix=net.prefix())
    assert result.returncode == 0, result.output
    assert result.cached is not None
    files = result.cached.get("storage", {}).get("files", [])
    assert [f["path"] for f in files] == ([f"/{case.expected}"] if case.expected else [])
    if case.check is not None:
        case.check(servers)
    if case.late:
        assert "attempt #2" in result.output, "the late server was not retried"
    if case.go and DEBIAN.agent.exists():
        for server in servers.values():
            server.seen.clear()
            for route in server.routes.values():
                if hasattr(route, "count"):
                    route.count = 0
        go = run_stage(
            tmp_path / "go", "fetch", case.platform, prefix=net.prefix(), agent=DEBIAN.agent
        )
        assert go.returncode == 0, go.output
        assert canonical(go.cached) == canonical(result.cached)


def test_aws_without_metadata_service_fails_after_the_fetch_timeout(
    tmp_path: Path, net: MetadataNet
) -> None:
    started = time.monotonic()
    result = run_stage(tmp_path, "fetch", "aws", prefix=net.prefix(), fetch_timeout="3s")
    assert result.returncode == 1 and result.cached is None
    assert "unable to fetch resource in time" in result.output
    assert time.monotonic() - started < 20
