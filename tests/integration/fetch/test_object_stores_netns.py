"""s3://, arn: and gs:// sources, and Equinix Metal's https metadata, against emulators
at the production host names: inside the test's network namespace those names resolve
(/etc/netns/NS/hosts) to the emulator, whose certificate a test CA signed; that CA is
the namespace run's system pool (SSL_CERT_FILE), so nothing in the code is redirected."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from ignition_py.resources.sigv4 import Credentials, sign

from .netns import MetadataNet, netns_unavailable_reason
from .servers import Answer, CertAuthority, Seen
from .stagerun import run_stage

IMDS = "169.254.169.254"
S3_HOSTS = [
    "bucket.s3.eu-west-1.amazonaws.com",
    "bucket.s3.dualstack.eu-west-1.amazonaws.com",
    "ap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com",
]
OTHER_HOSTS = ["storage.googleapis.com", "metadata.packet.net"]
CREDENTIALS = Credentials("AKIDTEST", "secret/KEY+test", "SESSION-TOKEN")


def config(*merge: str, marker: str = "") -> bytes:
    files = [{"path": f"/{marker}", "contents": {"source": f"data:,{marker}"}}] if marker else []
    ignition = {"version": "3.4.0", "config": {"merge": [{"source": s} for s in merge]}}
    return json.dumps({"ignition": ignition, "storage": {"files": files}}).encode()


def verify_sigv4(seen: Seen, region: str) -> bool:
    """Re-sign what arrived (host, path, query, date) and compare with what was sent."""
    headers = {k.lower(): v for k, v in seen.headers.items()}
    parts = urlsplit(seen.path)
    expected = sign(
        method="GET",
        host=headers["host"],
        path=parts.path,
        query=dict(parse_qsl(parts.query)),
        headers={},
        credentials=CREDENTIALS,
        region=region,
        service="s3",
        now=datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%SZ"),
    )
    return headers.get("authorization") == expected["Authorization"]


@pytest.fixture
def net(test_ca: CertAuthority, tmp_path: Path) -> Iterator[MetadataNet]:
    reason = netns_unavailable_reason()
    if reason:
        print(reason)
        pytest.skip(reason)
    with MetadataNet({name: IMDS for name in S3_HOSTS + OTHER_HOSTS}) as created:
        yield created


def test_s3_and_access_point_with_instance_role(
    net: MetadataNet, test_ca: CertAuthority, tmp_path: Path
) -> None:
    imds = net.serve(IMDS)
    tls = net.serve(IMDS, 443, test_ca.server_context(tmp_path, S3_HOSTS))
    imds.route("/latest/api/token", Answer(200, b"tok"), method="PUT")
    user = config(
        "s3://bucket/dir/child.ign?versionId=v2",
        "arn:aws:s3:us-west-2:123456789012:accesspoint/ap/object/ap.ign",
        marker="user",
    )
    imds.route("/2019-10-01/user-data", Answer(200, user))
    imds.route(
        "/latest/dynamic/instance-identity/document", Answer(200, b'{"region": "eu-west-1"}')
    )
    imds.route("/latest/meta-data/iam/security-credentials/", Answer(200, b"role\n"))
    document = {
        "Code": "Success",
        "AccessKeyId": CREDENTIALS.access_key_id,
        "SecretAccessKey": CREDENTIALS.secret_access_key,
        "Token": CREDENTIALS.session_token,
    }
    imds.route(
        "/latest/meta-data/iam/security-credentials/role",
        Answer(200, json.dumps(document).encode()),
    )
    tls.route("/", Answer(200, headers={"x-amz-bucket-region": "eu-west-1"}), method="HEAD")

    def signed(region: str, body: bytes) -> object:
        def handle(seen: Seen) -> Answer:
            return Answer(200, body) if verify_sigv4(seen, region) else Answer(403, b"bad sig")

        return handle

    tls.routes[("GET", "/dir/child.ign?versionId=v2")] = signed("eu-west-1", config(marker="s3"))  # type: ignore[assignment]
    tls.routes[("GET", "/ap.ign")] = signed("us-west-2", config(marker="ap"))  # type: ignore[assignment]
    env = {"SSL_CERT_FILE": str(test_ca.cert)}
    result = run_stage(tmp_path / "run", "fetch", "aws", prefix=net.prefix(), env=env)
    assert result.returncode == 0, result.output
    files = [f["path"] for f in (result.cached or {})["storage"]["files"]]
    assert files == ["/user", "/s3", "/ap"]
    hosts = [(s.method, s.headers.get("Host")) for s in tls.seen]
    assert hosts == [
        ("HEAD", "bucket.s3.eu-west-1.amazonaws.com"),
        ("GET", "bucket.s3.dualstack.eu-west-1.amazonaws.com"),
        ("GET", "ap-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com"),
    ]
    assert all(s.headers.get("X-Amz-Security-Token") == "SESSION-TOKEN" for s in tls.seen[1:])
    assert "SESSION-TOKEN" not in result.output and "secret/KEY" not in result.output


def test_s3_compression_is_refused(net: MetadataNet, tmp_path: Path) -> None:
    body = json.dumps(
        {
            "ignition": {
                "version": "3.4.0",
                "config": {"merge": [{"source": "s3://bucket/c.ign", "compression": "gzip"}]},
            }
        }
    ).encode()
    imds = net.serve(IMDS)
    imds.route("/2019-10-01/user-data", Answer(200, body))
    result = run_stage(tmp_path, "fetch", "aws", prefix=net.prefix())
    assert result.returncode == 1 and result.cached is None
    assert "compression is not supported with the s3 scheme" in result.output


def test_gs_with_the_instance_token(
    net: MetadataNet, test_ca: CertAuthority, tmp_path: Path
) -> None:
    imds = net.serve(IMDS)
    tls = net.serve(IMDS, 443, test_ca.server_context(tmp_path, ["storage.googleapis.com"]))
    imds.route(
        "/computeMetadata/v1/instance/attributes/user-data",
        Answer(200, config("gs://gbucket/dir/obj.ign", marker="gcp")),
    )
    imds.route(
        "/computeMetadata/v1/instance/service-accounts/default/token",
        Answer(
            200, b'{"access_token": "gce-token", "expires_in": 3599}', {"Metadata-Flavor": "Google"}
        ),
    )

    def authorized(seen: Seen) -> Answer:
        if seen.headers.get("Authorization") == "Bearer gce-token":
            return Answer(200, config(marker="gs"))
        return Answer(401)

    tls.routes[("GET", "/gbucket/dir/obj.ign")] = authorized
    env = {"SSL_CERT_FILE": str(test_ca.cert)}
    result = run_stage(tmp_path / "run", "fetch", "gcp", prefix=net.prefix(), env=env)
    assert result.returncode == 0, result.output
    assert [f["path"] for f in (result.cached or {})["storage"]["files"]] == ["/gcp", "/gs"]
    assert "gce-token" not in result.output


def test_packet_over_https(net: MetadataNet, test_ca: CertAuthority, tmp_path: Path) -> None:
    tls = net.serve(IMDS, 443, test_ca.server_context(tmp_path, ["metadata.packet.net"]))

    def acceptable(seen: Seen) -> Answer:
        if seen.headers.get("Accept") == "*/*":
            return Answer(200, config(marker="packet"))
        return Answer(406, b"Not Acceptable")

    tls.routes[("GET", "/userdata")] = acceptable
    env = {"SSL_CERT_FILE": str(test_ca.cert)}
    offline = run_stage(tmp_path / "run", "fetch-offline", "packet", prefix=net.prefix(), env=env)
    assert offline.neednet.exists() and offline.cached is None and not tls.seen
    result = run_stage(tmp_path / "run", "fetch", "packet", prefix=net.prefix(), env=env)
    assert result.returncode == 0, result.output
    assert [f["path"] for f in (result.cached or {})["storage"]["files"]] == ["/packet"]
