"""`file`: the config at $IGNITION_CONFIG_FILE (default ./config.ign), for tests."""

from __future__ import annotations

import os

from ..resources.stream import read_file_capped
from .platform import NoProviderError, Platform, ProviderContext, register

DEFAULT_FILENAME = "config.ign"


def fetch(context: ProviderContext) -> bytes:
    filename = os.environ.get("IGNITION_CONFIG_FILE", "")
    if not filename:
        filename = DEFAULT_FILENAME
        context.log.info("using default filename")
    context.log.info(f"using config file at {filename!r}")
    try:
        return read_file_capped(filename)
    except FileNotFoundError:
        raise NoProviderError(f"config file {filename!r} not found") from None
    except OSError as err:
        raise NoProviderError(f"couldn't read config {filename!r}: {err.strerror}") from err


register(Platform("file", fetch))
