"""Butane's base/util.MakeDataURL for generated file contents: the shortest of URL-escaped,
base64 and gzip+base64 (the gzip bytes differ from Go's; the decoded contents do not)."""

from __future__ import annotations

import base64
import gzip

# vincent-petithory/dataurl.Escape leaves these bytes as they are (measured on butane v0.29.0).
_PLAIN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~!'()*")


def make_data_url(contents: bytes, auto_compress: bool = True) -> tuple[str, str]:
    """(data URL, compression) for ``contents``; compression is "" or "gzip" as Butane
    writes it for generated files; gzip only with ``auto_compress``."""
    opaque = "," + "".join(chr(b) if b in _PLAIN else f"%{b:02X}" for b in contents)
    b64 = ";base64," + base64.b64encode(contents).decode("ascii")
    if len(b64) < len(opaque):
        opaque = b64
    compression = ""
    if not auto_compress:
        return "data:" + opaque, compression
    gz = ";base64," + base64.b64encode(gzip.compress(contents, 9, mtime=0)).decode("ascii")
    if len(gz) + len("gzip") < len(opaque):
        opaque, compression = gz, "gzip"
    return "data:" + opaque, compression
