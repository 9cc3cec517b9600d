"""`azure` and `azurestack`: Azure first asks IMDS for the VM's userData (base64), and
when that is empty reads CustomData.bin from the provisioning CD-ROM, the UDF (on Azure
Stack also iso9660) disc holding ovf-env.xml, mounted read-only."""

from __future__ import annotations

import base64
import binascii
import time

from ..errors import ConfigError, IgnitionError
from ..resources.errors import FetchError, NeedNetError
from ..resources.stream import read_file_capped
from .devices import devices_with_fstype, is_cdrom_with_disc, mounted_readonly
from .platform import Platform, ProviderContext, register

USERDATA_URL = (
    "http://169.254.169.254/metadata/instance/compute/userData?api-version=2021-01-01&format=text"
)
# Azure's IMDS answers some codes below 500 while it is not ready (cloud-init's set).
IMDS_RETRY_CODES = frozenset({404, 410, 429})
CUSTOM_DATA = "CustomData.bin"
OVF_ENV = "ovf-env.xml"


def fetch_imds_userdata(context: ProviderContext) -> bytes:
    data = context.fetcher.fetch_bytes(
        USERDATA_URL, headers={"Metadata": "true"}, retry_codes=IMDS_RETRY_CODES
    )
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as err:
        raise ConfigError(f"decoding IMDS userdata: {err}") from err


def fetch_azure(context: ProviderContext) -> bytes:
    if context.offline:
        raise NeedNetError("Azure instance metadata service")
    context.log.info("azure: attempting to read userdata from IMDS")
    try:
        userdata = fetch_imds_userdata(context)
    except FetchError as err:
        context.log.warning(f"azure: IMDS userdata failed, falling back to custom data: {err}")
    else:
        if userdata:
            context.log.info("config has been read from IMDS userdata")
            return userdata
        context.log.info("azure: IMDS userdata was empty, falling back to custom data")
    return fetch_from_ovf_device(context, ("udf",))


def fetch_from_ovf_device(context: ProviderContext, fstypes: tuple[str, ...]) -> bytes:
    """Wait for the provisioning CD-ROM (up to -fetch-timeout; upstream waits forever)."""
    log = context.log
    deadline = time.monotonic() + context.fetch_timeout
    checked: set[str] = set()
    while True:
        for fstype in fstypes:
            for device in devices_with_fstype(fstype, log):
                if device in checked:
                    continue
                checked.add(device)
                if not is_cdrom_with_disc(device, log):
                    continue
                data = _custom_data(device, fstype, context)
                if data is not None:
                    log.info("config has been read from custom data")
                    return data
        if time.monotonic() >= deadline:
            raise ConfigError(
                f"no provisioning CD-ROM ({'/'.join(fstypes)} with {OVF_ENV}) appeared "
                f"within {context.fetch_timeout:g} s"
            )
        time.sleep(1)


def _custom_data(device: str, fstype: str, context: ProviderContext) -> bytes | None:
    try:
        with mounted_readonly(device, fstype, context.log) as root:
            if not (root / OVF_ENV).is_file():
                context.log.debug(f"{device} does not appear to be a config drive")
                return None
            try:
                return read_file_capped(root / CUSTOM_DATA)
            except FileNotFoundError:
                return b""
    except IgnitionError as err:  # mount failing, for one
        context.log.debug(f"failed to retrieve config from device {device}: {err}")
        return None


def fetch_azurestack(context: ProviderContext) -> bytes:
    return fetch_from_ovf_device(context, ("udf", "iso9660"))


register(Platform("azure", fetch_azure))
register(Platform("azurestack", fetch_azurestack))
