"""Source URL rules: which schemes each spec version fetches, and what makes a URL
unparsable for upstream (Go's net/url, RFC 2397 data URLs, S3 ARNs)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from .. import rfc2397
from ..versions import V3_2, V3_4, Version
from . import messages

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# ASCII that Go's url.Parse accepts in a host name (it refuses the rest of ASCII).
_HOST_ASCII = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:[]<>\"%"
)
# a pattern, compiled (and cached by re) at its first use: most configs never need it
_ARN = r"^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.+)$"


def parse_problem(url: str) -> tuple[str | None, str | None]:
    """(scheme, None) for a URL Go's url.Parse accepts, else (None, message)."""
    if _CONTROL.search(url):
        return None, messages.INVALID_URL
    match = _SCHEME.match(url)
    if match is None:
        if url.startswith(":"):
            return None, messages.INVALID_URL
        first_segment = url.split("/", 1)[0].split("?", 1)[0]
        if ":" in first_segment:
            return None, messages.INVALID_URL
        scheme = ""
        rest = url
    else:
        scheme = match.group(1).lower()
        rest = url[match.end() :]
    without_fragment, _, fragment = rest.partition("#")
    path_part = without_fragment.split("?", 1)[0]
    if _BAD_ESCAPE.search(fragment):
        return None, messages.INVALID_URL
    # Go leaves the rest of an opaque URL ("data:,...", "arn:...") as it is.
    opaque = bool(scheme) and not path_part.startswith("/")
    if not opaque and _BAD_ESCAPE.search(path_part):
        return None, messages.INVALID_URL
    if path_part.startswith("//"):
        authority = path_part[2:].split("/", 1)[0]
        host = authority.rsplit("@", 1)[-1]
        if host.startswith("[") and "]" not in host:
            return None, messages.INVALID_URL
        if any(c < "\x80" and c not in _HOST_ASCII for c in host):
            return None, messages.INVALID_URL
        if not host.startswith("["):
            _, colon, port = host.partition(":")
            if colon and not port.isdigit() and port != "":
                return None, messages.INVALID_URL
    return scheme, None


def url_problem(url: str, version: Version) -> str | None:
    scheme, problem = parse_problem(url)
    if problem is not None:
        return problem
    # oem: Flatcar's OEM partition files, in every spec version (its patches 0012, 0013).
    if scheme in ("http", "https", "tftp", "oem"):
        return None
    if scheme == "gs" and version.at_least(V3_2):
        return None
    if scheme == "s3":
        return _version_id_problem(url)
    if scheme == "arn" and version.at_least(V3_4):
        return _arn_problem(url)
    if scheme == "data":
        return data_url_problem(url)
    return messages.INVALID_SCHEME


def optional_url_problem(url: str | None, version: Version) -> str | None:
    return None if not url else url_problem(url, version)


def _version_id_problem(url: str) -> str | None:
    query = url.partition("?")[2].partition("#")[0]
    values = parse_qs(query, keep_blank_values=True).get("versionId")
    if values is not None and values[0] == "":
        return messages.INVALID_S3_VERSION_ID
    return None


def _arn_problem(url: str) -> str | None:
    full = url.partition("?")[0]
    match = re.match(_ARN, full)
    if match is None or match.group(2) != "s3":
        return messages.INVALID_S3_ARN
    resource = match.group(5)
    parts = full.split("/")
    if resource.startswith("accesspoint/") and len(parts) < 3:
        return messages.INVALID_S3_ARN
    if len(parts) < 2:
        return messages.INVALID_S3_ARN
    return _version_id_problem(url)


def data_url_problem(url: str) -> str | None:
    """RFC 2397, as upstream's dataurl package reads it (its message on failure)."""
    return rfc2397.problem(url)
