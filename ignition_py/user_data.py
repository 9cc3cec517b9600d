"""User data that is not an Ignition config, as Flatcar's Ignition recognises it (its
patch 0011): a `#cloud-config`, a `#!` script or a MIME multipart/mixed archive, each
possibly gzipped. Flatcar treats such user data as no config at all, so that the distro's
cloud-init (coreos-cloudinit) reads it instead; anything else that is not JSON stays an
error."""

from __future__ import annotations

# Go's unicode.IsSpace, what Flatcar trims the first line's end with (str.rstrip() also
# strips \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000" + "".join(
    map(chr, range(0x2000, 0x200B))
)
# What the detection reads of gzipped user data: the first line and a MIME header block
# are a few hundred bytes; the rest (possibly a gzip bomb) is never inflated.
DETECTION_LIMIT = 64 * 1024
_TOKEN = frozenset(b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def cloud_init_kind(raw: bytes) -> str | None:
    """ "a cloud-config", "a script" or "a MIME multipart archive" for user data Flatcar
    hands to cloud-init (checked after gunzipping, when it is gzip), else None."""
    data = _gunzipped(raw)
    newline = data.find(b"\n")
    first = data if newline < 0 else data[:newline]
    if first.decode("utf-8", "replace").rstrip(_GO_SPACE) == "#cloud-config":
        return "a cloud-config"
    if first.startswith(b"#!"):
        return "a script"
    if b"multipart/mixed" in _content_type(data):
        return "a MIME multipart archive"
    return None


def _gunzipped(raw: bytes) -> bytes:
    """At most DETECTION_LIMIT bytes of `raw` inflated, when it is gzip; `raw` itself when
    it is not, or when the stream breaks within those bytes (as Go's gzip reader leaves it)."""
    if not raw.startswith(b"\x1f\x8b"):
        return raw
    import gzip
    import io
    import zlib

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            return stream.read(DETECTION_LIMIT)
    except (OSError, EOFError, zlib.error):
        return raw


def _content_type(data: bytes) -> bytes:
    """The first Content-Type of the MIME header block `data` starts with, as Go's
    textproto.ReadMIMEHeader reads it; b"" when there is no well-formed block."""
    headers: list[tuple[bytes, bytes]] = []
    start = 0
    while True:  # line by line, not split(): a config is read once, whatever its size
        end = data.find(b"\n", start)
        if end < 0:
            return b""  # the block never ended: Go's reader stops at EOF with an error
        line = data[start:end].removesuffix(b"\r")
        start = end + 1
        if not line:
            return next((v for k, v in headers if k == b"content-type"), b"")
        if line[:1] in (b" ", b"\t"):
            if not headers:
                return b""
            key, value = headers[-1]
            headers[-1] = (key, value + b" " + line.strip())
            continue
        key, colon, value = line.partition(b":")
        if not colon or not key or any(byte not in _TOKEN for byte in key):
            return b""
        headers.append((key.lower(), value.strip()))
