"""RFC 2397 data URLs: data:[<mediatype>][;base64],<data>, percent-escapes allowed in
the data part (base64 or not), as Go's dataurl package decodes them."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import unquote_to_bytes

from .errors import FetchError


def decode_data_url(url: str) -> bytes:
    if not url.startswith("data:"):
        raise FetchError("not a data URL")
    meta, comma, data = url[len("data:") :].partition(",")
    if not comma:
        raise FetchError("invalid data URL: missing comma")
    raw = unquote_to_bytes(data)
    if meta.split(";")[-1] == "base64":
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError) as err:
            raise FetchError(f"invalid data URL: illegal base64 data ({err})") from None
    return raw


def encode_data_url(blob: bytes) -> str:
    """The form upstream writes CAs into the cache with (dataurl.EncodeBytes)."""
    return "data:text/plain;charset=utf-8;base64," + base64.b64encode(blob).decode("ascii")
