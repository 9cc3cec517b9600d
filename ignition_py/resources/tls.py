"""The TLS trust of every https fetch: the system pool (OpenSSL's default paths, so
SSL_CERT_FILE / SSL_CERT_DIR apply as they do for Go) plus the config's CAs, and Go's
rule that a certificate names its host in subjectAltName (the Common Name is not read)."""

from __future__ import annotations

import re
import ssl

from ..typecheck import TYPE_CHECKING
from .errors import FetchError

if TYPE_CHECKING:
    from typing import Any

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


NO_SUBJECT_ALT_NAME = "certificate relies on legacy Common Name field, use SANs instead"


def trust_context(ca_blobs: list[tuple[str, bytes]]) -> ssl.SSLContext:
    """The context of every https request: the system pool plus ``ca_blobs`` ((shown
    source, PEM bundle) pairs, the config's CAs; none for the default). Raises FetchError
    for a bundle that is not all PEM certificates, or one OpenSSL cannot load."""
    context = ssl.create_default_context()
    # urllib3 matches the host name (or IP address) against the certificate itself when
    # the context does not; Debian's urllib3 1.26 refuses a context that checks on its
    # own for an IP address host ("check_hostname requires server_hostname").
    context.check_hostname = False
    # urllib3 2.x reads this for its own check; 1.26 does not (refuse_without_subject_alt_name).
    context.hostname_checks_common_name = False
    for source, blob in ca_blobs:
        for pem in certificates_in(blob, source):
            try:
                context.load_verify_locations(cadata=pem)
            except ssl.SSLError as err:
                raise FetchError(f"unable to parse CA {source}: {err}") from err
    return context


def refuse_without_subject_alt_name(cert: Any, cause: BaseException | None = None) -> None:
    """Refuse a verified peer certificate (getpeercert()'s dict) without subjectAltName, in
    Go's words: urllib3 1.26 would match the host against the Common Name, and 2.x refuses
    in its own words (``cause``, its CertificateError). Raises urllib3's CertificateError,
    which urllib3 reports as an SSLError: final, not retried."""
    if cert and "subjectAltName" not in cert:
        from urllib3.util.ssl_match_hostname import CertificateError

        raise CertificateError(NO_SUBJECT_ALT_NAME) from cause
