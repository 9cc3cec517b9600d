"""RFC 2397 data URLs: data:[<mediatype>][;base64],<data>, decoded as Go's dataurl package
(which upstream uses) decodes them: the whole URL is checked first (config.rfc2397, with
upstream's messages), so a URL it rejects is never partly written, and nothing is cut off.

The URL is already in memory (it is part of the config); the decoded bytes are produced
in chunks so that a large file never exists twice in memory.
"""

from __future__ import annotations

import io
from urllib.parse import unquote_to_bytes

from ..config.rfc2397 import DataURLSyntaxError, parse
from .errors import FetchError

CHUNK_CHARS = 1 << 16  # a multiple of 4, so base64 chunks decode on their own


class DataURLError(FetchError):
    """A data URL that cannot be decoded."""


class DataURLReader(io.RawIOBase):
    """The decoded bytes of one data URL, as a raw stream."""

    def __init__(self, url: str) -> None:
        """Raises DataURLError (upstream's message) for a URL upstream does not decode."""
        try:
            shape = parse(url)
        except DataURLSyntaxError as err:
            raise DataURLError(f"invalid data URL: {err}") from err
        self._is_base64 = shape.is_base64
        self._data = url
        self._offset = shape.data_start
        self._carry = b""  # base64 characters left over from the previous chunk
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer and self._offset < len(self._data):
            self._buffer = self._next_chunk()
        if not self._buffer and self._carry:
            raise DataURLError("invalid data URL: illegal base64 data (truncated)")
        count = min(len(target), len(self._buffer))
        target[:count] = self._buffer[:count]
        self._buffer = self._buffer[count:]
        return count

    def _next_chunk(self) -> bytes:
        end = min(self._offset + CHUNK_CHARS, len(self._data))
        # never cut a %XX escape in two
        escape = self._data.rfind("%", max(end - 2, self._offset), end)
        if escape != -1 and end < len(self._data) and not self._is_base64:
            end = escape
        text = self._data[self._offset : end]
        self._offset = end
        if not self._is_base64:
            return unquote_to_bytes(text)
        # Checked already: only the base64 alphabet, '=' at the end, and newlines.
        piece = self._carry + text.replace("\n", "").encode("ascii")
        usable = len(piece) - len(piece) % 4
        if self._offset >= len(self._data):
            usable = len(piece)
        self._carry = piece[usable:]
        import binascii  # only base64 URLs pay for it

        try:
            return binascii.a2b_base64(piece[:usable], strict_mode=True)
        except (binascii.Error, ValueError) as err:
            raise DataURLError("invalid data URL: illegal base64 data") from err


def decode_data_url(url: str) -> bytes:
    return DataURLReader(url).readall()


def encode_data_url(blob: bytes) -> str:
    """The form upstream writes CAs and generated LUKS keys with (dataurl.EncodeBytes)."""
    import base64

    return "data:text/plain;charset=utf-8;base64," + base64.b64encode(blob).decode("ascii")
