"""The transport side of every fetch: a transport's chunks as one raw stream that releases
its connection once, and the size caps for what is read into memory. Gunzip and hash
checks are the content pipeline's (resources.contents.verified), over this stream."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator

from ..typecheck import TYPE_CHECKING
from .errors import FetchError

if TYPE_CHECKING:
    from typing import BinaryIO

CHUNK = 256 * 1024
# The largest config (user, merged, replaced, or from any provider) read into memory:
# anything larger is refused while it is read, before it is parsed.
CONFIG_SIZE_LIMIT = 256 * 1024 * 1024


class ChunkStream(io.RawIOBase):
    """A readable raw stream over `chunks` (bytes as transported).

    `close` is called once, when the stream is closed or exhausted, or a chunk raises
    (e.g. to release an HTTP connection)."""

    def __init__(self, chunks: Iterator[bytes], close: Callable[[], None] | None = None) -> None:
        super().__init__()
        self._source = chunks
        self._buffer = b""
        self._on_close = close
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while not self._buffer and not self._done:
            try:
                self._buffer = next(self._source)
            except StopIteration:
                self._done = True
                self._release()
            except BaseException:
                self._done = True
                self._release()
                raise
        count = min(len(view), len(self._buffer))
        view[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

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
