"""The one content pipeline: a resource's bytes (decoded from a `data:` URL or fetched),
gunzipped and hash-checked as they are read, with v2.26.0's message for each mistake.

Every consumer reads resources through it: the files stage (contents, appends), the
disks stage's LUKS key files, config fetches (user config, merge/replace references) and
the QEMU harness's verifier. Output is produced in bounded slices whatever the input (a
gzip bomb included); the hash is over the decompressed bytes and a mismatch is raised at
the end of the stream, before a caller commits what it wrote.

zlib and hashlib are imported only when a resource is compressed or verified: the files
stage's start-up budget does not pay for them otherwise.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from ..config.model import Resource
from ..typecheck import TYPE_CHECKING
from .dataurl import DataURLReader
from .errors import ContentError, HashMismatchError, UnsupportedSchemeError
from .urls import scheme_of, shown_url

if TYPE_CHECKING:
    from typing import BinaryIO

    Raw = io.RawIOBase | BinaryIO

Fetch = Callable[[Resource], "BinaryIO"]
READ_SIZE = 1 << 16
GUNZIP_INPUT = 1 << 18  # compressed bytes a decompress call takes at most
HASH_FUNCTIONS = ("sha512", "sha256")
# Go's compress/gzip: an ID of 1f 8b then method 8 (deflate), in a 10-byte header
_GZIP_ID = b"\x1f\x8b\x08"
_HEADER_SIZE = 10
# zlib's messages for a member's end, and which of Go's errors each one is
_ZLIB_CHECKSUM = ("incorrect data check", "incorrect length check")
_ZLIB_HEADER = ("header crc mismatch", "unknown header flags set", "incorrect header check")


def describe_source(source: str | None) -> str:
    """Where contents come from, for logs: never the data itself, nor a URL's query."""
    return shown_url(source) if source else "empty contents"


def needs_fetch(source: str | None) -> bool:
    """Whether read_contents needs a fetcher for `source` (any scheme but `data:`)."""
    return bool(source) and scheme_of(source or "") != "data"


def read_contents(resource: Resource, fetch: Fetch | None) -> BinaryIO:
    """The final bytes of `resource` as a stream; read it to its end to verify them.

    A `data:` URL is decoded here; any other scheme goes to `fetch` (the bytes as
    transported), and without one it is UnsupportedSchemeError. Reading raises ContentError
    and HashMismatchError (FetchError kinds) with upstream's messages, and whatever
    `fetch` raises."""
    source = resource.source or ""
    raw: Raw
    if not source:
        raw = io.BytesIO(b"")
    elif scheme_of(source) == "data":
        raw = DataURLReader(source)
    elif fetch is None:
        raise UnsupportedSchemeError(scheme_of(source))
    else:
        raw = fetch(resource)
    expected = resource.verification.hash if resource.verification else None
    return verified(raw, resource.compression, expected)


def verified(raw: Raw, compression: str | None, verification: str | None) -> BinaryIO:
    """`raw` gunzipped when `compression` is "gzip" (several members, as Go's reader), and
    checked against `verification` ("sha512-<hex>" / "sha256-<hex>") at its end.

    Closing the result closes `raw`. Raises ContentError for an unknown compression or hash
    function (validation refuses both first)."""
    stream: Raw = raw
    if compression == "gzip":
        stream = GunzipReader(stream)
    elif compression:
        raise ContentError(f"unsupported compression {compression!r}")
    if verification:
        stream = VerifyingReader(stream, verification)
    if isinstance(stream, io.RawIOBase):
        return io.BufferedReader(stream, READ_SIZE)
    return stream


class _Layer(io.RawIOBase):
    """A raw stream over another one, which it closes with itself."""

    def __init__(self, source: Raw) -> None:
        super().__init__()
        self._source = source

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self._source.close()
        super().close()


class GunzipReader(_Layer):
    """gzip as Go's compress/gzip reads it (upstream decompresses with it): members one
    after the other, each header read in full first; at most len(target) bytes a read.

    Errors, as Go's: nothing at all is "EOF"; a header that is not gzip, "gzip: invalid
    header"; a stream that ends inside a member (or inside the 10 bytes of a next header),
    "unexpected EOF"; a CRC or size that does not match, "gzip: invalid checksum"."""

    def __init__(self, source: Raw) -> None:
        import zlib  # only gzip contents pay for it

        super().__init__(source)
        self._zlib = zlib
        self._inflater: zlib._Decompress | None = None
        self._pending = b""
        self._members = 0

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        if not len(target):
            return 0  # zlib reads a max_length of 0 as "no limit"
        while True:
            if self._inflater is None and not self._start_member():
                return 0
            assert self._inflater is not None
            if not self._pending:
                self._pending = self._source.read(GUNZIP_INPUT) or b""
                if not self._pending:
                    raise ContentError("unexpected EOF (the gzip data is truncated)")
            try:
                out = self._inflater.decompress(self._pending, len(target))
            except self._zlib.error as err:
                raise _zlib_error(str(err)) from err
            if self._inflater.eof:
                # the rest of the input, also repeated in unconsumed_tail with a length limit
                self._pending = self._inflater.unused_data
                self._inflater = None
            else:
                self._pending = self._inflater.unconsumed_tail
            if out:
                target[: len(out)] = out
                return len(out)

    def _start_member(self) -> bool:
        """False at a clean end (after a member, no byte more); raises for anything that
        is not a whole gzip header."""
        while len(self._pending) < _HEADER_SIZE:
            more = self._source.read(READ_SIZE) or b""
            if not more:
                break
            self._pending += more
        if not self._pending:
            if self._members:
                return False
            raise ContentError("EOF (the gzip data is empty)")
        if len(self._pending) < _HEADER_SIZE:
            raise ContentError("unexpected EOF (the gzip data is truncated)")
        if not self._pending.startswith(_GZIP_ID):
            raise ContentError("gzip: invalid header")
        self._inflater = self._zlib.decompressobj(16 + self._zlib.MAX_WBITS)
        self._members += 1
        return True


def _zlib_error(message: str) -> ContentError:
    if any(text in message for text in _ZLIB_CHECKSUM):
        return ContentError("gzip: invalid checksum")
    if any(text in message for text in _ZLIB_HEADER):
        return ContentError("gzip: invalid header")
    detail = message.rpartition(": ")[2]
    return ContentError(f"flate: corrupt input ({detail})")


class VerifyingReader(_Layer):
    """Passes bytes through; at the end of the stream, HashMismatchError if their hash is
    not `expected` ("sha512-<hex>" or "sha256-<hex>")."""

    def __init__(self, source: Raw, expected: str) -> None:
        import hashlib  # only verified contents pay for it

        super().__init__(source)
        function, _, digest = expected.partition("-")
        if function not in HASH_FUNCTIONS or not digest:
            raise ContentError(f"unrecognized hash function {function!r}")
        self._expected = digest.lower()
        self._hash = hashlib.new(function)
        self._done = False

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._source.readinto(target)  # type: ignore[union-attr]
        if count:
            self._hash.update(memoryview(target)[:count])
            return int(count)
        if not self._done:
            self._done = True
            calculated = self._hash.hexdigest()
            if calculated != self._expected:
                raise HashMismatchError(calculated, self._expected)
        return 0
