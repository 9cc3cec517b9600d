"""The stream every fetch returns: chunks from the transport, gunzipped when asked,
hashed on the way, and checked at the end. Memory stays bounded by the chunk size
whatever the size of the resource (a gzip bomb included: output is produced in
slices of at most CHUNK bytes)."""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from .errors import FetchError, HashMismatchError

CHUNK = 256 * 1024
# The largest config (user, merged, replaced, or from any provider) read into memory:
# anything larger is refused while it is read, before it is parsed.
CONFIG_SIZE_LIMIT = 256 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"


def parse_verification(verification: str | None) -> tuple[str, str] | None:
    """'sha512-<hex>' -> ('sha512', '<hex>'); None when there is nothing to check."""
    if not verification:
        return None
    function, _, digest = verification.partition("-")
    if function not in ("sha256", "sha512") or not digest:
        raise FetchError(f"unsupported verification hash {function!r}")
    return function, digest.lower()


class _Gunzip:
    """Streaming gzip decoder that accepts concatenated members, as Go's reader does."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._seen_data = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._pending += data
        while self._pending:
            if self._decoder.eof:
                if len(self._pending) < 2:
                    return
                if not self._pending.startswith(_GZIP_MAGIC):
                    raise FetchError(f"gzip: invalid header after a member of {self._label}")
                self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data, self._pending = self._pending, b""
            try:
                out = self._decoder.decompress(data, CHUNK)
                while True:
                    self._seen_data = True
                    if out:
                        yield out
                    tail = self._decoder.unconsumed_tail
                    if not tail:
                        break
                    out = self._decoder.decompress(tail, CHUNK)
            except zlib.error as err:
                raise FetchError(f"gzip: cannot decompress {self._label}: {err}") from err
            if self._decoder.eof:
                self._pending = self._decoder.unused_data + self._pending

    def finish(self) -> None:
        if not self._seen_data:
            raise FetchError(f"gzip: {self._label} is empty, not gzip data")
        if not self._decoder.eof or self._pending:
            raise FetchError(f"gzip: unexpected end of {self._label}")


class ContentStream(io.RawIOBase):
    """A readable binary stream over `chunks`; raises at EOF when the hash mismatches.

    `close` is called once, when the stream is closed or exhausted (e.g. to release an
    HTTP connection)."""

    def __init__(
        self,
        chunks: Iterator[bytes],
        *,
        label: str,
        compression: str | None = None,
        verification: str | None = None,
        close: Callable[[], None] | None = None,
    ) -> None:
        super().__init__()
        if compression not in (None, "", "gzip"):
            raise FetchError(f"unsupported compression {compression!r} for {label}")
        self._label = label
        self._source = chunks
        self._gunzip = _Gunzip(label) if compression == "gzip" else None
        expected = parse_verification(verification)
        self._expected = expected
        self._hasher = hashlib.new(expected[0]) if expected else None
        self._buffer = b""
        self._decoded: Iterator[bytes] = self._decode()
        self._on_close = close
        self._done = False

    def _decode(self) -> Iterator[bytes]:
        for raw in self._source:
            if not raw:
                continue
            if self._gunzip is None:
                yield raw
            else:
                yield from self._gunzip.feed(raw)
        if self._gunzip is not None:
            self._gunzip.finish()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while not self._buffer and not self._done:
            try:
                chunk = next(self._decoded)
            except StopIteration:
                self._finish()
                break
            except BaseException:
                self._done = True
                self._release()
                raise
            if self._hasher is not None:
                self._hasher.update(chunk)
            self._buffer = chunk
        count = min(len(view), len(self._buffer))
        view[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def _finish(self) -> None:
        self._done = True
        self._release()
        if self._hasher is not None and self._expected is not None:
            calculated = self._hasher.hexdigest()
            if calculated != self._expected[1]:
                raise HashMismatchError(
                    self._label, self._expected[0], self._expected[1], calculated
                )

    def _release(self) -> None:
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    def close(self) -> None:
        self._release()
        super().close()


class TooLargeError(FetchError):
    """A config (or CA) larger than its cap."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} is larger than the {limit // (1024 * 1024)} MiB limit")


def read_file_capped(path: str | os.PathLike[str], limit: int = CONFIG_SIZE_LIMIT) -> bytes:
    """The bytes of the file at ``path``, read in one allocation, at most ``limit`` bytes.

    Raises TooLargeError before reading a file whose size is over ``limit`` (and after
    reading ``limit + 1`` bytes of one that grew, or of a file with no size, like a pipe);
    OSError as open/read raise it."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size > limit:
            raise TooLargeError(f"config {os.fspath(path)!r}", limit)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLargeError(f"config {os.fspath(path)!r}", limit)
    return data


def read_all(stream: BinaryIO | io.RawIOBase, limit: int | None = None) -> bytes:
    """The whole stream (configs and CAs: small); `limit` guards against huge ones."""
    parts: list[bytes] = []
    size = 0
    with stream:
        while True:
            chunk = stream.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if limit is not None and size > limit:
                raise TooLargeError("resource", limit)
            parts.append(chunk)
    return b"".join(parts)
