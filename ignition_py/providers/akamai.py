"""`akamai` (Linode): a token from PUT /v1/token, then the base64 user data from
/v1/user-data with that token."""

from __future__ import annotations

import base64
import binascii

from ..errors import ConfigError
from ..resources.errors import NeedNetError
from .platform import Platform, ProviderContext, register

TOKEN_URL = "http://169.254.169.254/v1/token"
USERDATA_URL = "http://169.254.169.254/v1/user-data"


def fetch(context: ProviderContext) -> bytes:
    if context.offline:
        raise NeedNetError("Akamai metadata service")
    token = context.fetcher.fetch_bytes(
        TOKEN_URL,
        method="PUT",
        headers={"Accept": "text/plain", "Metadata-Token-Expiry-Seconds": "300"},
    ).strip()
    if not token:
        raise ConfigError("get token: received an empty token")
    encoded = context.fetcher.fetch_bytes(
        USERDATA_URL, headers={"Accept": "*/*", "Metadata-Token": token.decode()}
    )
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ConfigError(f"decode base64: {err}") from err


register(Platform("akamai", fetch))
