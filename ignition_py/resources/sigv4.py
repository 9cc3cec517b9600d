"""AWS Signature Version 4 for a bodiless request (the S3 GETs and HEADs we make)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import quote

from ..frozen import frozen_model

EMPTY_PAYLOAD_SHA256 = hashlib.sha256(b"").hexdigest()


@frozen_model
class Credentials:
    """AWS credentials for signing S3 requests: access key id, secret access key, and the
    session token of temporary (role) credentials. Never logged."""

    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def __repr__(self) -> str:
        token = ", session_token=<hidden>" if self.session_token else ""
        return (
            f"Credentials(access_key_id={self.access_key_id!r}, secret_access_key=<hidden>{token})"
        )


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def canonical_query(query: Mapping[str, str]) -> str:
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in query.items())
    return "&".join(f"{k}={v}" for k, v in pairs)


def sign(
    *,
    method: str,
    host: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    credentials: Credentials,
    region: str,
    service: str,
    now: datetime,
    payload_hash: str = EMPTY_PAYLOAD_SHA256,
) -> dict[str, str]:
    """The headers to add: X-Amz-Date, X-Amz-Content-Sha256 (S3), the security token,
    and Authorization. `path` is already URI-encoded as sent on the wire."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    added = {"X-Amz-Date": amz_date}
    if service == "s3":
        added["X-Amz-Content-Sha256"] = payload_hash
    if credentials.session_token:
        added["X-Amz-Security-Token"] = credentials.session_token
    signed = {k.lower(): " ".join(v.strip().split()) for k, v in {**headers, **added}.items()}
    signed["host"] = host
    names = sorted(signed)
    canonical_request = "\n".join(
        [
            method,
            path or "/",
            canonical_query(query),
            "".join(f"{name}:{signed[name]}\n" for name in names),
            ";".join(names),
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _hmac(("AWS4" + credentials.secret_access_key).encode(), day)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    added["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials.access_key_id}/{scope}, "
        f"SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return added
