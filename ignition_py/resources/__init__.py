"""Fetching resources: every source URL scheme upstream Ignition supports, streamed,
gunzipped and verified. Use a Fetcher (one per stage process) built for the config:

    fetcher = fetcher_for_config(config, log)
    with fetcher(resource) as stream:   # BinaryIO: decompressed, hash checked at EOF
        ...
"""

from __future__ import annotations

from ..config.model import Config
from ..log import Logger
from .errors import (
    CompressionUnsupportedError,
    FetchError,
    FetchTimeoutError,
    HashMismatchError,
    NeedNetError,
    NotFoundError,
    UnsupportedSchemeError,
)
from .fetcher import Fetcher, url_needs_net

__all__ = [
    "CompressionUnsupportedError",
    "FetchError",
    "FetchTimeoutError",
    "Fetcher",
    "HashMismatchError",
    "NeedNetError",
    "NotFoundError",
    "UnsupportedSchemeError",
    "fetcher_for_config",
    "url_needs_net",
]


def fetcher_for_config(config: Config, log: Logger, platform: str = "") -> Fetcher:
    """A Fetcher with the config's timeouts, proxy and CAs (what later stages need to
    fetch file contents), and the platform's S3 credentials on aws."""
    fetcher = Fetcher(log)
    if platform:
        from ..providers import prepare_fetcher

        prepare_fetcher(platform, fetcher)
    fetcher.configure(config.ignition)
    return fetcher
