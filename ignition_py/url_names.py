"""How a resource URL is named: its scheme, and the form logs and errors show.

Imports only urllib.parse, so that every stage (the files stage included) can name a URL
without loading the HTTP stack, and the config's reprs can hide a URL's secrets.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def scheme_of(url: str) -> str:
    """The URL's scheme in lower case ("data", "https", "s3", ...); "" when it has none."""
    return url.partition(":")[0].lower() if ":" in url else ""


def shown_url(url: str) -> str:
    """``url`` as logs and errors show it: scheme, host, port and path as fetched.

    Never the secrets a URL can carry: a data URL is named, not shown (its payload is file
    contents or key material); user info is dropped; a query string (a presigned S3
    signature, a token) is shown as ``?...``. Upstream logs the whole URL; this keeps all
    of it that tells an operator where the request went.
    """
    if scheme_of(url) == "data":
        return "data URL"
    parts = urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    query = "?..." if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, "", "")) + query
