"""`vmware`: the guestinfo variables ignition.config.data and
ignition.config.data.encoding ("", base64/b64, gz/gzip, gzip+base64 and its spellings),
read with open-vm-tools' vmware-rpctool; variables set directly win over the same ones
in the OVF environment (guestinfo.ovfenv); without data, no config (upstream v2.26.0 reads
no URL variable). In the flatcar flavour, as Flatcar's (its patch 0009): without
ignition.config.data, coreos.config.data and its encoding; without either, the config at
ignition.config.url or else coreos.config.url."""

from __future__ import annotations

import base64
import binascii
import io

from ..errors import ConfigError, IgnitionError
from ..system.commands import which
from ..system.guest_properties import RPCTOOL, guestinfo_get
from .platform import NoProviderError, Platform, ProviderContext, register

DATA = "ignition.config.data"  # what delete_config clears
ENCODING = "ignition.config.data.encoding"
OVF_NS = "{http://schemas.dmtf.org/ovf/environment/1}"


def ovf_properties(document: str) -> dict[str, str]:
    import xml.etree.ElementTree as ElementTree

    root = ElementTree.fromstring(document)
    properties: dict[str, str] = {}
    for element in root.iter():
        if element.tag.endswith("Property"):
            key = element.get(f"{OVF_NS}key") or element.get("key")
            if key is not None:
                properties[key] = element.get(f"{OVF_NS}value") or element.get("value") or ""
    return properties


def _gunzip(blob: bytes) -> bytes:
    """Through the one content pipeline: Go's gzip reading, the config size cap."""
    from ..resources.contents import verified
    from ..resources.stream import CONFIG_SIZE_LIMIT, read_all

    return read_all(verified(io.BytesIO(blob), "gzip", None), CONFIG_SIZE_LIMIT)


def decode(data: str, encoding: str) -> bytes:
    """The config bytes of guestinfo `data` in `encoding`. Raises ConfigError."""
    try:
        if encoding == "":
            return data.encode()
        if encoding in ("b64", "base64"):
            return base64.b64decode(data, validate=True)
        if encoding in ("gz", "gzip"):
            return _gunzip(data.encode("latin-1"))
        if encoding in ("gz+base64", "gzip+base64", "gz+b64", "gzip+b64"):
            return _gunzip(base64.b64decode(data, validate=True))
    except (binascii.Error, ValueError, IgnitionError) as err:
        raise ConfigError(f"unable to decode guestinfo config ({encoding}): {err}") from err
    raise ConfigError(f"unsupported guestinfo config encoding {encoding!r}")


def fetch(context: ProviderContext) -> bytes:
    log = context.log
    if which(RPCTOOL) is None:
        raise NoProviderError("vmware-rpctool (open-vm-tools) not found: cannot read guestinfo")
    ovf: dict[str, str] = {}
    ovfenv = guestinfo_get("ovfenv", log)
    if ovfenv:
        import xml.etree.ElementTree as ElementTree

        try:
            ovf = ovf_properties(ovfenv)
            log.debug("using OVF environment from guestinfo")
        except ElementTree.ParseError as err:
            log.warning(f"failed to parse OVF environment: {err}. Continuing...")

    def variable(key: str) -> str:
        value = guestinfo_get(key, log)
        return ovf.get(f"guestinfo.{key}", "") if value is None else value

    from ..flavour import is_flatcar

    flatcar = is_flatcar()  # one read of the flavour file
    for prefix in ("ignition", "coreos") if flatcar else ("ignition",):
        data = variable(f"{prefix}.config.data")
        if data:
            return decode(data, variable(f"{prefix}.config.data.encoding").strip())
    if not flatcar:
        return b""  # upstream's provider reads no URL variable: no data is no config
    url = variable("ignition.config.url") or variable("coreos.config.url")
    if not url:
        log.info("no config URL provided")
        return b""
    from ..resources.urls import shown_url

    log.debug(f"found url: {shown_url(url)}")
    return context.fetcher.fetch_bytes(url)


register(Platform("vmware", fetch))
