"""Deleting the config from the hypervisor after the boot that used it (upstream's
DelConfig, run by `ignition-rmcfg` from ignition-delete-config.service): only vmware and
virtualbox can; every other platform fails with upstream's "cannot delete config on this
platform"."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import IgnitionError
from ..log import Logger
from .vmware import DATA, ENCODING

# guestinfo cannot be deleted or emptied: the config becomes base64 "{}\n"
DELETED_DATA = "e30K"
DELETED_ENCODING = "base64"
OVFENV = "ovfenv"
VBOX_CONFIG = "/Ignition/Config"
VBOX_ENCODING = "/Ignition/Config/Encoding"


class CannotDeleteError(IgnitionError):
    def __init__(self) -> None:
        super().__init__("cannot delete config on this platform")


def _vmware(log: Logger) -> None:
    from ..system.guest_properties import guestinfo_get, guestinfo_set
    from .ovf_prune import delete_ovf_properties

    def get(key: str, default: str, what: str) -> str:
        try:
            value = guestinfo_get(key, log)
        except IgnitionError as err:
            raise IgnitionError(f"{what}: {err}") from err
        return default if value is None else value

    def put(key: str, value: str, what: str) -> None:
        try:
            guestinfo_set(key, value, log)
        except IgnitionError as err:
            raise IgnitionError(f"{what}: {err}") from err

    if get(DATA, DELETED_DATA, "getting config property") != DELETED_DATA:
        log.info("deleting config from guestinfo properties")
        put(DATA, DELETED_DATA, "replacing config")
        if get(ENCODING, "", "getting config encoding property") != DELETED_ENCODING:
            put(ENCODING, DELETED_ENCODING, "replacing config encoding")
    ovfenv = get(OVFENV, "", "reading OVF environment")
    if ovfenv:
        keys = (f"guestinfo.{DATA}", f"guestinfo.{ENCODING}")
        try:
            pruned, removed = delete_ovf_properties(ovfenv.encode(), keys)
        except IgnitionError as err:
            raise IgnitionError(f"deleting OVF properties: {err}") from err
        if removed:
            log.info("deleting config from OVF environment")
            put(OVFENV, pruned.decode(), "replacing OVF environment")


def _virtualbox(log: Logger) -> None:
    from ..system.guest_properties import virtualbox_delete

    log.info("deleting Ignition config from VirtualBox guest property")
    virtualbox_delete(VBOX_ENCODING, log)
    virtualbox_delete(VBOX_CONFIG, log)


DELETERS: dict[str, Callable[[Logger], None]] = {"vmware": _vmware, "virtualbox": _virtualbox}


def delete_config(platform: str, log: Logger) -> None:
    """Remove the config `platform` handed over, as v2.26.0 does.

    Raises CannotDeleteError for a platform that cannot, IgnitionError when it fails."""
    deleter = DELETERS.get(platform)
    if deleter is None:
        raise CannotDeleteError()
    deleter(log)
