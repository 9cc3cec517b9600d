"""Platforms that hand the config over on a labelled drive only: `kubevirt`, `nutanix`
and `powervs` (an OpenStack-style config-2 drive, always attached: upstream waits
forever, ignition-py until -fetch-timeout), `ibmcloud` and `proxmoxve` (a cidata drive,
given 30 s to appear, else no config)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from ..errors import ConfigError
from .devices import DISK_BY_LABEL, read_file_from, wait_for_path
from .platform import Platform, ProviderContext, register

CIDATA_WAIT = 30.0


def _config_2(context: ProviderContext) -> bytes:
    device = Path(DISK_BY_LABEL) / "config-2"
    deadline = time.monotonic() + context.fetch_timeout
    if not wait_for_path(device, deadline, threading.Event()):
        raise ConfigError(
            f"config drive {device} did not appear within {context.fetch_timeout:g} s"
        )
    data = read_file_from(str(device), "auto", "/openstack/latest/user_data", context.log)
    return data or b""


def _cidata(context: ProviderContext, names: tuple[str, ...], json_only: bool) -> bytes:
    device = Path(DISK_BY_LABEL) / "cidata"
    if not wait_for_path(device, time.monotonic() + CIDATA_WAIT, threading.Event()):
        context.log.info("cidata drive was not available in time. Continuing without a config...")
        return b""
    for name in names:
        data = read_file_from(str(device), "auto", name, context.log)
        if not data:
            continue
        if data.startswith(b"#cloud-config\n"):
            context.log.debug(f"{name} on the cidata drive is a cloud-config, ignoring")
            continue
        if json_only and not _is_json(data):
            continue
        return data
    return b""


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


for _name in ("kubevirt", "nutanix", "powervs"):
    register(Platform(_name, _config_2))
register(Platform("ibmcloud", lambda context: _cidata(context, ("/user-data",), False)))
register(
    Platform("proxmoxve", lambda context: _cidata(context, ("/user-data", "/vendor-data"), True))
)
