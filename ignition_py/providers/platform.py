"""What a provider is: the record each provider module registers under upstream's
platform name, and what a provider is handed when it fetches."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import ConfigError
from ..frozen import frozen_model
from ..log import Logger
from ..registry import Registry
from ..resources.fetcher import Fetcher


class NoProviderError(ConfigError):
    """The platform's config source is not there (upstream's ErrNoProvider)."""


@frozen_model
class ProviderContext:
    """What a provider's fetch gets: the stage's fetcher (offline in fetch-offline), its logger,
    and `-fetch-timeout` in seconds."""

    fetcher: Fetcher
    log: Logger
    fetch_timeout: float

    @property
    def offline(self) -> bool:
        return self.fetcher.offline


@frozen_model
class Platform:
    """A platform as upstream's platform.Config: its name, how its provider fetches the user
    config (bytes; b"" for none), and what runs before any fetch in every stage (aws: the S3
    region and credentials)."""

    name: str
    fetch: Callable[[ProviderContext], bytes]
    # Runs before any config is fetched, in every stage (aws: S3 region and credentials).
    prepare: Callable[[Fetcher], None] | None = None


PLATFORMS: Registry[Platform] = Registry("platform")


def register(platform: Platform) -> Platform:
    return PLATFORMS.register(platform.name)(platform)
