"""Platform providers: where each upstream platform hands over the user config.

Each provider module registers a Platform under upstream's name when imported;
`catalog` says which module registers which name, so a stage imports only its own. A
provider returns the raw config bytes; empty bytes mean "no config", which upstream
treats as an empty config. Upstream platforms that ignition-py cannot read from are
listed in UNSUPPORTED and fail with a message naming them.
"""

from __future__ import annotations

from ..config.model import Config
from ..errors import ConfigError
from ..log import Logger
from ..resources.fetcher import Fetcher
from .platform import PLATFORMS, NoProviderError, Platform, ProviderContext, register

__all__ = ["PLATFORMS", "NoProviderError", "Platform", "ProviderContext", "register"]


# Upstream platforms without a provider here, and why.
UNSUPPORTED: dict[str, str] = {
    "hyperv": "it reads Hyper-V KVP pools through the hv_utils kernel device",
    "virtualbox": "it reads the /Ignition/Config guest property through the VBoxGuest driver",
    "zvm": "it reads the z/VM reader device with vmur (s390x only)",
    "applehv": "it fetches over vsock from the Apple Hypervisor host",
}


def get_platform(name: str) -> Platform:
    """The Platform registered for `name` (upstream's platform IDs, as `-platform` takes them).
    Raises ConfigError naming an unknown or unsupported platform."""
    from .catalog import load_provider

    load_provider(name)
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


def fetcher_for_config(config: Config, log: Logger, platform: str = "") -> Fetcher:
    """A Fetcher with the config's timeouts, proxy and CAs (what later stages need to
    fetch file contents), and the platform's S3 credentials on aws (as upstream's stages
    get the engine's fetcher, set up by the platform's Init). Raises ConfigError for an
    unknown platform."""
    fetcher = Fetcher(log)
    if platform:
        prepare_fetcher(platform, fetcher)
    fetcher.configure(config.ignition)
    return fetcher
