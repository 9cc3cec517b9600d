"""The bytes of a resource (file contents, appends, key files), streamed: decoded from a
`data:` URL or fetched, then gunzipped and hashed as they are read.

`read_contents` handles `data:` URLs itself and hands every other scheme to `fetch`, the
resource fetcher (http, s3, ...), so that fetching can be plugged in without this module
knowing about it. The verification hash is over the decompressed bytes; a mismatch is
raised when the stream reaches its end, before a caller commits what it wrote.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from ..config.model import Resource
from ..errors import IgnitionError
from ..resources.dataurl import DataURLReader
from ..resources.urls import scheme_of, shown_url

Fetch = Callable[[Resource], BinaryIO]
READ_SIZE = 1 << 16
HASH_FUNCTIONS = ("sha512", "sha256")


class ContentsError(IgnitionError):
    """The contents of a resource cannot be produced or are not what the config says."""


def describe_source(source: str | None) -> str:
    """Where contents come from, for logs: never the data itself, nor a URL's query."""
    return shown_url(source) if source else "empty contents"


def needs_fetch(source: str | None) -> bool:
    """Whether read_contents needs a fetcher for source (any scheme but `data:`)."""
    return bool(source) and scheme_of(source or "") != "data"


def read_contents(resource: Resource, fetch: Fetch | None) -> BinaryIO:
    """The final bytes of `resource` as a stream (read it to the end to verify them)."""
    source = resource.source or ""
    raw: io.RawIOBase | BinaryIO
    if not source:
        raw = io.BytesIO(b"")
    elif scheme_of(source) == "data":
        raw = DataURLReader(source)
    elif fetch is None:
        raise ContentsError(f"unsupported source scheme {scheme_of(source)!r}")
    else:
        raw = fetch(resource)
    stream: io.RawIOBase | BinaryIO = raw
    if resource.compression == "gzip":
        stream = _GunzipReader(stream)
    elif resource.compression:
        raise ContentsError(f"unsupported compression {resource.compression!r}")
    expected = resource.verification.hash if resource.verification else None
    if expected:
        stream = _VerifyingReader(stream, expected)
    if isinstance(stream, io.RawIOBase):
        return io.BufferedReader(stream, READ_SIZE)
    return stream


class _GunzipReader(io.RawIOBase):
    """gzip (several members allowed, as Go's reader does), with bounded output per read."""

    def __init__(self, source: io.RawIOBase | BinaryIO) -> None:
        import zlib  # only configs with gzip contents pay for it

        self._zlib = zlib
        self._source = source
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while True:
            if self._inflater.eof:
                leftover = self._inflater.unused_data
                if not leftover:
                    leftover = self._source.read(READ_SIZE) or b""
                if not leftover:
                    return 0
                self._inflater = self._zlib.decompressobj(16 + self._zlib.MAX_WBITS)
                self._pending = leftover
            if not self._pending:
                self._pending = (
                    self._inflater.unconsumed_tail or self._source.read(READ_SIZE) or b""
                )
                if not self._pending:
                    raise ContentsError("gzip data is truncated (unexpected end of stream)")
            try:
                out = self._inflater.decompress(self._pending, len(target))
            except self._zlib.error as err:
                raise ContentsError(f"invalid gzip data: {err}") from err
            # after the end of a member the rest is in unused_data (and, with a length
            # limit, repeated in unconsumed_tail): keep it once
            self._pending = b"" if self._inflater.eof else self._inflater.unconsumed_tail
            if out:
                target[: len(out)] = out
                return len(out)


class _VerifyingReader(io.RawIOBase):
    """Passes bytes through and checks their hash at the end of the stream."""

    def __init__(self, source: io.RawIOBase | BinaryIO, expected: str) -> None:
        import hashlib  # only verified contents pay for it

        function, _, digest = expected.partition("-")
        if function not in HASH_FUNCTIONS or not digest:
            raise ContentsError(f"unrecognized hash {expected.split('-')[0]!r}")
        self._source = source
        self._function = function
        self._expected = digest.lower()
        self._hash = hashlib.new(function)
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._source.read(len(target)) or b""
        if data:
            self._hash.update(data)
            target[: len(data)] = data
            return len(data)
        if not self._done:
            self._done = True
            calculated = self._hash.hexdigest()
            if calculated != self._expected:
                raise ContentsError(
                    f"content hash mismatch: calculated {self._function}-{calculated} "
                    f"but the config expects {self._function}-{self._expected}"
                )
        return 0
