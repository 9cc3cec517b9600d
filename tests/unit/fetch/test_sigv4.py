"""SigV4 against AWS's published examples (signature-v4 test suite 'get-vanilla' and
the S3 documentation's GET object example)."""

from __future__ import annotations

from datetime import UTC, datetime

from ignition_py.resources.sigv4 import Credentials, sign


def test_get_vanilla() -> None:
    headers = sign(
        method="GET",
        host="example.amazonaws.com",
        path="/",
        query={},
        headers={},
        credentials=Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region="us-east-1",
        service="service",
        now=datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC),
    )
    assert headers["Authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


def test_s3_get_object_example() -> None:
    headers = sign(
        method="GET",
        host="examplebucket.s3.amazonaws.com",
        path="/test.txt",
        query={},
        headers={"Range": "bytes=0-9"},
        credentials=Credentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region="us-east-1",
        service="s3",
        now=datetime(2013, 5, 24, 0, 0, 0, tzinfo=UTC),
    )
    assert headers["Authorization"].endswith(
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


def test_session_token_is_signed() -> None:
    headers = sign(
        method="GET",
        host="b.s3.dualstack.us-east-1.amazonaws.com",
        path="/k",
        query={"versionId": "v 1"},
        headers={},
        credentials=Credentials("AK", "SK", "TOKEN"),
        region="us-east-1",
        service="s3",
        now=datetime(2020, 1, 1, tzinfo=UTC),
    )
    assert headers["X-Amz-Security-Token"] == "TOKEN"
    assert "x-amz-security-token" in headers["Authorization"]


def test_credentials_never_show_their_secrets() -> None:
    shown = repr(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG", "SESSION-TOKEN-VALUE"))
    assert "AKIDEXAMPLE" in shown
    assert "wJalrXUtnFEMI" not in shown and "SESSION-TOKEN-VALUE" not in shown
    assert Credentials("a", "b") == Credentials("a", "b")  # still compared by value
