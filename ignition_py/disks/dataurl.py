"""RFC 2397 data URLs: LUKS key files given inline, and generated keys kept in the state
file the way upstream stores them (for the files stage to write to /etc/luks)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import urllib.parse

from ..config.model import Resource


class ResourceError(Exception):
    pass


def decode(url: str) -> bytes:
    if not url.startswith("data:") or "," not in url:
        raise ResourceError("not a data URL")
    header, _, payload = url[5:].partition(",")
    if header.split(";")[-1].lower() == "base64":
        try:
            return base64.b64decode(urllib.parse.unquote(payload), validate=False)
        except ValueError as err:
            raise ResourceError(f"invalid base64 in data URL: {err}") from err
    return urllib.parse.unquote_to_bytes(payload)


def encode(data: bytes) -> str:
    try:
        data.decode("utf-8")
        media = "text/plain;charset=utf-8"
    except UnicodeDecodeError:
        media = "application/octet-stream"
    return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"


def read_inline_resource(resource: Resource, what: str) -> bytes:
    """The contents of a data: resource, decompressed and verified as the config says."""
    source = resource.source or ""
    if not source.startswith("data:"):
        scheme = source.split(":", 1)[0]
        raise ResourceError(f"{what}: only data: URLs are supported here, not {scheme}:")
    data = decode(source)
    if resource.compression == "gzip":
        data = gzip.decompress(data)
    elif resource.compression:
        raise ResourceError(f"{what}: unsupported compression {resource.compression!r}")
    expected = resource.verification.hash if resource.verification else None
    if expected:
        algorithm, _, digest = expected.partition("-")
        if hashlib.new(algorithm, data).hexdigest() != digest.lower():
            raise ResourceError(f"{what}: hash mismatch ({algorithm})")
    return data
