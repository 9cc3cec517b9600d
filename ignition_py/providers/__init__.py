"""Platform providers: where each upstream platform hands over the user config.

Each provider module registers a Platform under upstream's name when imported
(`catalog` imports them all). A provider returns the raw config bytes; empty bytes mean
"no config", which upstream treats as an empty config. Upstream platforms that
ignition-py cannot read from are listed in UNSUPPORTED and fail with a message naming
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import ConfigError
from ..log import Logger
from ..registry import Registry
from ..resources.fetcher import Fetcher


class NoProviderError(ConfigError):
    """The platform's config source is not there (upstream's ErrNoProvider)."""


@dataclass(frozen=True)
class ProviderContext:
    fetcher: Fetcher
    log: Logger
    fetch_timeout: float

    @property
    def offline(self) -> bool:
        return self.fetcher.offline


@dataclass(frozen=True)
class Platform:
    name: str
    fetch: Callable[[ProviderContext], bytes]
    # Runs before any config is fetched, in every stage (aws: S3 region and credentials).
    prepare: Callable[[Fetcher], None] | None = None


PLATFORMS: Registry[Platform] = Registry("platform")

# Upstream platforms without a provider here, and why.
UNSUPPORTED: dict[str, str] = {
    "hyperv": "it reads Hyper-V KVP pools through the hv_utils kernel device",
    "virtualbox": "it reads the /Ignition/Config guest property through the VBoxGuest driver",
    "zvm": "it reads the z/VM reader device with vmur (s390x only)",
    "applehv": "it fetches over vsock from the Apple Hypervisor host",
}


def register(platform: Platform) -> Platform:
    return PLATFORMS.register(platform.name)(platform)


def get_platform(name: str) -> Platform:
    from . import catalog  # noqa: F401  (registers every provider)

    platform = PLATFORMS.get(name)
    if platform is not None:
        return platform
    if name in UNSUPPORTED:
        raise ConfigError(f"platform {name!r} is not supported by ignition-py: {UNSUPPORTED[name]}")
    raise ConfigError(f"unknown platform {name!r}")


def prepare_fetcher(name: str, fetcher: Fetcher) -> None:
    platform = get_platform(name)
    if platform.prepare is not None:
        platform.prepare(fetcher)
