"""ARNs, proxy selection (Go's httpproxy rules), the request headers, URL redaction."""

from __future__ import annotations

import pytest

from ignition_py.config.versions import NEWEST_STABLE
from ignition_py.resources.arn import parse_arn
from ignition_py.resources.errors import FetchError
from ignition_py.resources.http import merged_headers
from ignition_py.resources.proxy import ProxySettings
from ignition_py.resources.s3 import object_url, target_of
from ignition_py.resources.urls import shown_url


def test_bucket_arn() -> None:
    target = parse_arn("arn:aws:s3:::my-bucket/path/to/key.ign")
    assert (target.bucket, target.key, target.region, target.region_hint) == (
        "my-bucket",
        "path/to/key.ign",
        "",
        "us-east-1",
    )


def test_access_point_arn_carries_region_and_account() -> None:
    target = parse_arn("arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap/object/a/b.ign")
    assert target.bucket == "arn:aws-cn:s3:cn-north-1:123456789012:accesspoint/ap"
    assert (target.key, target.region, target.region_hint) == (
        "a/b.ign",
        "cn-north-1",
        "cn-north-1",
    )
    assert target.access_point == ("ap", "123456789012")
    host, path = object_url(target, target.region)
    assert host == "ap-123456789012.s3-accesspoint.dualstack.cn-north-1.amazonaws.com.cn"
    assert path == "/a/b.ign"


@pytest.mark.parametrize(
    "arn",
    ["arn:aws:ec2:::bucket/key", "arn:aws:s3:us-east-1:1:accesspoint/ap", "arn:aws:s3"],
)
def test_bad_arns_fail(arn: str) -> None:
    with pytest.raises(FetchError, match="invalid S3 ARN"):
        parse_arn(arn)


def test_s3_url_with_version_and_dotted_bucket_uses_path_style() -> None:
    target, version = target_of("s3://my.bucket/dir/key?versionId=abc")
    assert (target.bucket, target.key, version) == ("my.bucket", "dir/key", "abc")
    assert object_url(target, "eu-west-1") == (
        "s3.dualstack.eu-west-1.amazonaws.com",
        "/my.bucket/dir/key",
    )


PROXY = ProxySettings(
    http_proxy="proxy.example:3128",
    https_proxy="https://secure-proxy.example",
    no_proxy=("internal.example", ".corp", "10.0.0.0/8", "192.168.1.1:8080"),
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com/x", "http://proxy.example:3128"),
        ("https://example.com/x", "https://secure-proxy.example"),
        ("http://localhost:80/x", None),
        ("http://127.0.0.1/x", None),
        ("http://internal.example/x", None),
        ("http://a.internal.example/x", None),
        ("http://corp/x", "http://proxy.example:3128"),
        ("http://b.corp/x", None),
        ("http://10.1.2.3/x", None),
        ("http://192.168.1.1:8080/x", None),
        ("http://192.168.1.1:9090/x", "http://proxy.example:3128"),
        ("tftp://example.com/x", None),
    ],
)
def test_proxy_selection(url: str, expected: str | None) -> None:
    assert PROXY.proxy_for(url) == expected


def test_star_excludes_everything() -> None:
    assert ProxySettings(http_proxy="p:1", no_proxy=("*",)).proxy_for("http://x/") is None


def test_default_headers_and_case_insensitive_override() -> None:
    headers = merged_headers({"accept": "*/*", "X-Custom": "1"})
    assert headers["Accept-Encoding"] == "identity"
    assert headers["User-Agent"].startswith("Ignition/")
    assert headers["accept"] == "*/*" and "Accept" not in headers
    default = merged_headers({})["Accept"]
    assert default == f"application/vnd.coreos.ignition+json;version={NEWEST_STABLE}, */*;q=0.1"
    assert str(NEWEST_STABLE) == "3.6.0"


def test_logged_urls_hide_queries_and_credentials() -> None:
    assert shown_url("https://user:pw@host/p?X-Amz-Signature=secret") == "https://host/p?..."
    assert shown_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    assert shown_url("https://[::1]:8443/a#frag") == "https://[::1]:8443/a"
    assert shown_url("data:;base64,c2VjcmV0") == "data URL"
