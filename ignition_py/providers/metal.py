"""`metal`: no config of its own; only the kernel command line's ignition.config.url
(read before any provider) provides one."""

from __future__ import annotations

from .platform import Platform, ProviderContext, register


def fetch(context: ProviderContext) -> bytes:
    context.log.debug("metal provider fetching empty config")
    return b""


register(Platform("metal", fetch))
