"""The verified stream: gunzip (several members), hashes over the decompressed bytes,
errors at the end, bounded memory for a gzip bomb."""

from __future__ import annotations

import gzip
import hashlib
import tracemalloc
from collections.abc import Iterator
from typing import BinaryIO

import pytest

from ignition_py.resources.contents import verified
from ignition_py.resources.dataurl import decode_data_url, encode_data_url
from ignition_py.resources.errors import FetchError, HashMismatchError
from ignition_py.resources.stream import ChunkStream, read_all


def chunked(data: bytes, size: int = 7) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def stream(
    data: bytes, compression: str | None = None, verification: str | None = None
) -> BinaryIO:
    return verified(ChunkStream(chunked(data)), compression, verification)


def test_plain_bytes_pass_through() -> None:
    assert read_all(stream(b"hello world")) == b"hello world"


def test_gzip_is_decompressed_across_chunk_boundaries() -> None:
    payload = b"ignition " * 1000
    assert read_all(stream(gzip.compress(payload), compression="gzip")) == payload


def test_concatenated_gzip_members_are_one_stream() -> None:
    data = gzip.compress(b"first ") + gzip.compress(b"second")
    assert read_all(stream(data, compression="gzip")) == b"first second"


def test_truncated_gzip_fails() -> None:
    data = gzip.compress(b"x" * 5000)[:-10]
    with pytest.raises(FetchError, match=r"^unexpected EOF"):
        read_all(stream(data, compression="gzip"))


def test_not_gzip_fails() -> None:
    with pytest.raises(FetchError, match="gzip"):
        read_all(stream(b"plain text, not gzip", compression="gzip"))


def test_hash_is_over_decompressed_bytes() -> None:
    payload = b"contents"
    good = "sha512-" + hashlib.sha512(payload).hexdigest()
    data = gzip.compress(payload)
    assert read_all(stream(data, compression="gzip", verification=good)) == payload
    wrong = "sha512-" + hashlib.sha512(data).hexdigest()
    with pytest.raises(HashMismatchError, match="hash verification failed"):
        read_all(stream(data, compression="gzip", verification=wrong))


def test_sha256_mismatch_is_raised_on_the_last_read() -> None:
    reader = stream(b"abc", verification="sha256-" + "0" * 64)
    assert reader.read(2) == b"ab"
    with pytest.raises(HashMismatchError):
        reader.read()


def test_gzip_bomb_is_streamed_in_bounded_memory() -> None:
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros, ~64 KiB of gzip
    tracemalloc.start()
    total = 0
    with stream(bomb, compression="gzip") as reader:
        while chunk := reader.read(1 << 20):
            total += len(chunk)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert total == 64 * 1024 * 1024
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("data:,hello%20world", b"hello world"),
        ("data:text/plain;charset=utf-8;base64,aGk=", b"hi"),
        ("data:;base64,aG\nk=", b"hi"),
        ("data:,", b""),
    ],
)
def test_data_urls_decode(url: str, expected: bytes) -> None:
    assert decode_data_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("data:;base64,!!!", "invalid data character"),
        ("data:;base64,aG%6B=", "invalid data character"),
        ("data:;base64,aGk", "illegal base64 data at input byte 0"),
    ],
)
def test_bad_data_url_is_a_clear_error(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        decode_data_url(url)


def test_encode_data_url_roundtrips() -> None:
    blob = bytes(range(256))
    assert decode_data_url(encode_data_url(blob)) == blob
