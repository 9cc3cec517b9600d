"""Resource contents: data URLs (RFC 2397), gzip, verification, the fetch hook."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
from typing import BinaryIO
from urllib.parse import quote_from_bytes

import pytest

from ignition_py.config.model import Resource, Verification
from ignition_py.resources import dataurl
from ignition_py.resources.contents import GunzipReader, describe_source, read_contents
from ignition_py.resources.errors import ContentError, FetchError

PAYLOAD = bytes(range(256)) * 700  # 179200 bytes: several decoding chunks


def read(resource: Resource) -> bytes:
    with read_contents(resource, None) as stream:
        return stream.read()


def b64_url(data: bytes) -> str:
    return "data:;base64," + base64.b64encode(data).decode()


def sha512(data: bytes) -> str:
    return "sha512-" + hashlib.sha512(data).hexdigest()


def test_percent_encoded_data_url() -> None:
    assert read(Resource(source="data:,hello%20world%0A")) == b"hello world\n"


def test_percent_escapes_across_chunk_boundaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dataurl, "CHUNK_CHARS", 8)
    assert read(Resource(source="data:," + quote_from_bytes(PAYLOAD[:3000]))) == PAYLOAD[:3000]


def test_base64_with_media_type_and_parameters() -> None:
    url = "data:text/plain;charset=utf-8;base64," + base64.b64encode(PAYLOAD).decode()
    assert read(Resource(source=url)) == PAYLOAD


def test_empty_source_is_empty_contents() -> None:
    assert read(Resource(source="")) == b""


def test_gzip_with_several_members_and_verification() -> None:
    compressed = gzip.compress(PAYLOAD[:1000]) + gzip.compress(PAYLOAD[1000:])
    resource = Resource(
        source=b64_url(compressed),
        compression="gzip",
        verification=Verification(hash=sha512(PAYLOAD)),
    )
    assert read(resource) == PAYLOAD


def test_hash_is_over_decompressed_bytes() -> None:
    compressed = gzip.compress(b"abc")
    wrong = Resource(
        source=b64_url(compressed),
        compression="gzip",
        verification=Verification(hash=sha512(compressed)),
    )
    with pytest.raises(ContentError, match="hash verification failed"):
        read(wrong)


def test_sha256_mismatch_is_reported_at_the_end() -> None:
    stream = read_contents(
        Resource(source="data:,abc", verification=Verification(hash="sha256-" + "0" * 64)), None
    )
    with pytest.raises(ContentError, match=r"calculated ba7816bf.* but expected 0000"):
        stream.read()


def test_truncated_gzip_is_an_error() -> None:
    with pytest.raises(ContentError, match=r"^unexpected EOF"):
        read(Resource(source=b64_url(gzip.compress(PAYLOAD)[:100]), compression="gzip"))


def test_not_gzip_is_an_error() -> None:
    with pytest.raises(ContentError, match=r"^gzip: invalid header$"):
        read(Resource(source=b64_url(b"plain text, not gzip"), compression="gzip"))


def test_bad_base64_is_an_error() -> None:
    with pytest.raises(dataurl.DataURLError, match="illegal base64 data at input byte 4"):
        read(Resource(source="data:;base64,YWJjZ"))


def test_other_schemes_go_to_fetch_raw_then_gunzip_and_verify() -> None:
    asked: list[str] = []

    def fetch(resource: Resource) -> BinaryIO:
        asked.append(resource.source or "")
        return io.BytesIO(gzip.compress(b"fetched"))

    resource = Resource(
        source="https://example.com/x?token=SECRET",
        compression="gzip",
        verification=Verification(hash=sha512(b"fetched")),
    )
    assert read_contents(resource, fetch).read() == b"fetched"
    assert asked == ["https://example.com/x?token=SECRET"]


def test_other_schemes_without_fetch_are_unsupported() -> None:
    with pytest.raises(FetchError, match="unsupported source scheme 'tftp'"):
        read_contents(Resource(source="tftp://host/file"), None)


def test_descriptions_never_show_data_or_queries() -> None:
    assert describe_source("data:,topsecret") == "data URL"
    assert describe_source("https://h.example/a/b?token=SECRET") == "https://h.example/a/b?..."
    assert describe_source("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    assert "SECRET" not in describe_source("s3://bucket/key?versionId=SECRET")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "EOF (the gzip data is empty)"),
        (b"\x1f\x8b", "unexpected EOF (the gzip data is truncated)"),
        (gzip.compress(b"a") + b"xx", "unexpected EOF (the gzip data is truncated)"),
        (gzip.compress(b"a") + b"0123456789", "gzip: invalid header"),
        (b"\x1f\x8b\x07" + bytes(20), "gzip: invalid header"),
        (gzip.compress(b"abc")[:10] + b"\xff" * 20, "flate: corrupt input (invalid block type)"),
    ],
    ids=["empty", "short-header", "short-next-header", "bad-next-header", "method", "flate"],
)
def test_gzip_mistakes_are_named_as_go_names_them(data: bytes, message: str) -> None:
    """Go's compress/gzip (upstream's reader): a header is read whole first, a member may
    follow another, and what follows the last one must be nothing or a whole header."""
    with pytest.raises(ContentError) as raised:
        read(Resource(source=b64_url(data), compression="gzip"))
    assert str(raised.value) == message


def test_a_read_of_nothing_gunzips_nothing() -> None:
    reader = GunzipReader(io.BytesIO(gzip.compress(b"abc")))
    empty = bytearray()
    assert reader.readinto(empty) == 0 and empty == bytearray()
    assert reader.read() == b"abc"
