"""The TLS trust of every https fetch: the system pool (OpenSSL's default paths, so
SSL_CERT_FILE / SSL_CERT_DIR apply as they do for Go) plus the config's CAs."""

from __future__ import annotations

import re
import ssl

from .errors import FetchError

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)


def certificates_in(blob: bytes, source: str) -> list[str]:
    """The PEM certificates of a CA bundle; anything else in it is an error, as upstream."""
    rest = blob.strip()
    found: list[str] = []
    while rest:
        match = _PEM_BLOCK.match(rest)
        if match is None or match.group(1) != b"CERTIFICATE":
            raise FetchError(f"unable to decode PEM block of CA {source}")
        found.append(match.group(0).decode("ascii", "replace"))
        rest = rest[match.end() :].strip()
    if not found:
        raise FetchError(f"unable to decode PEM block of CA {source}: no certificate")
    return found


def trust_context(ca_blobs: list[tuple[str, bytes]]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    # urllib3 matches the host name (or IP address) against the certificate itself when
    # the context does not; Debian's urllib3 1.26 refuses a context that checks on its
    # own for an IP address host ("check_hostname requires server_hostname").
    context.check_hostname = False
    for source, blob in ca_blobs:
        for pem in certificates_in(blob, source):
            try:
                context.load_verify_locations(cadata=pem)
            except ssl.SSLError as err:
                raise FetchError(f"unable to parse CA {source}: {err}") from err
    return context
