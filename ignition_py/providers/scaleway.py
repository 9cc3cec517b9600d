"""`scaleway`: user data from 169.254.42.42, which answers only to a source port below
1024 (a random one per attempt)."""

from __future__ import annotations

from ..resources.errors import NotFoundError
from .platform import Platform, ProviderContext, register

USERDATA_URL = "http://169.254.42.42/user_data/cloud-init"


def fetch(context: ProviderContext) -> bytes:
    try:
        return context.fetcher.fetch_bytes(USERDATA_URL, source_port=True)
    except NotFoundError:
        return b""


register(Platform("scaleway", fetch))
