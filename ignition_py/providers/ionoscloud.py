"""`ionoscloud`: the user-data file IONOS Cloud injects into the image; a cloud-config
there is not an Ignition config and is ignored."""

from __future__ import annotations

from ..errors import ConfigError
from ..resources.stream import read_file_capped
from .platform import Platform, ProviderContext, register

USER_DATA = "/var/lib/cloud/seed/nocloud/user-data"


def fetch(context: ProviderContext) -> bytes:
    context.log.info(f"using config file at {USER_DATA!r}")
    try:
        data = read_file_capped(USER_DATA)
    except OSError as err:
        raise ConfigError(f"couldn't read config {USER_DATA!r}: {err.strerror}") from err
    if data.startswith(b"#cloud-config\n"):
        context.log.debug(f"{USER_DATA!r} contains a cloud-config configuration, ignoring")
        return b""
    return data


register(Platform("ionoscloud", fetch))
