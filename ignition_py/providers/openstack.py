"""`openstack` (and `brightbox`, which uses the same code) and `cloudstack`: the config
drive raced with the metadata service. These never run in fetch-offline: whether the
network is needed depends on which source answers."""

from __future__ import annotations

import threading
from pathlib import Path

from ..resources.errors import NeedNetError, NotFoundError
from .platform import Platform, ProviderContext, register
from .race import config_drive, race

OPENSTACK_USERDATA = "/openstack/latest/user_data"
METADATA_SERVICE = "http://169.254.169.254/openstack/latest/user_data"
CLOUDSTACK_USERDATA = "/cloudstack/userdata/user_data.txt"
LEASES = Path("/run/systemd/netif/leases")


def _metadata(context: ProviderContext, url: str) -> bytes | None:
    try:
        return context.fetcher.fetch_bytes(url)
    except NotFoundError:
        # The metadata server is there but holds no user data: no config.
        return b""


def fetch_openstack(context: ProviderContext) -> bytes:
    if context.offline:
        raise NeedNetError("OpenStack config drive or metadata service")
    log = context.log

    def metadata(_: threading.Event) -> bytes | None:
        return _metadata(context, METADATA_SERVICE)

    return race(
        {
            "config drive (config-2)": config_drive("config-2", OPENSTACK_USERDATA, log, None),
            "config drive (CONFIG-2)": config_drive("CONFIG-2", OPENSTACK_USERDATA, log, None),
            "metadata service": metadata,
        },
        log,
    )


def _dhcp_server_address() -> str | None:
    if not LEASES.is_dir():
        return None
    for lease in sorted(LEASES.iterdir()):
        for line in lease.read_text(errors="replace").splitlines():
            key, _, value = line.partition("=")
            if key == "SERVER_ADDRESS" and value:
                return value
    return None


def fetch_cloudstack(context: ProviderContext) -> bytes:
    if context.offline:
        raise NeedNetError("CloudStack config drive or metadata service")
    log = context.log

    def metadata(cancelled: threading.Event) -> bytes | None:
        while not cancelled.is_set():
            server = _dhcp_server_address()
            if server:
                return _metadata(context, f"http://{server}/latest/user-data")
            cancelled.wait(0.5)
        return None

    return race(
        {
            "config drive (config-2)": config_drive("config-2", CLOUDSTACK_USERDATA, log, None),
            "config drive (CONFIG-2)": config_drive("CONFIG-2", CLOUDSTACK_USERDATA, log, None),
            "metadata service": metadata,
        },
        log,
    )


register(Platform("openstack", fetch_openstack))
register(Platform("brightbox", fetch_openstack))
register(Platform("cloudstack", fetch_cloudstack))
