"""Hypervisor guest properties, through the guest tools: VMware guestinfo variables with
open-vm-tools' `vmware-rpctool`, VirtualBox guest properties with the Guest Additions'
`VBoxControl` (upstream talks to the VMware backdoor and /dev/vboxguest itself)."""

from __future__ import annotations

import os

from ..errors import IgnitionError
from ..log import Logger
from .commands import require_tools, run

RPCTOOL = "vmware-rpctool"
VBOXCONTROL = "VBoxControl"
VBOXGUEST_DEVICE = "/dev/vboxguest"
_UNSET = "No value found"


def guestinfo_get(key: str, log: Logger) -> str | None:
    """The guestinfo variable `key` (without the "guestinfo." prefix), None when unset.

    Raises IgnitionError when the tool fails otherwise (not a VMware guest)."""
    require_tools([RPCTOOL])
    done = run([RPCTOOL, f"info-get guestinfo.{key}"], log, check=False)
    if done.returncode != 0:
        said = (done.stderr + done.stdout).strip()
        if _UNSET in said:
            return None
        raise IgnitionError(f"{RPCTOOL} info-get guestinfo.{key}: {said or 'failed'}")
    return done.stdout.removesuffix("\n")


def guestinfo_set(key: str, value: str, log: Logger) -> None:
    """Set the guestinfo variable `key`. Raises IgnitionError when the tool fails."""
    require_tools([RPCTOOL])
    # the value (a config, or what replaces it) is not logged
    done = run([RPCTOOL, f"info-set guestinfo.{key} {value}"], None, check=False)
    log.debug(f"running: {RPCTOOL} 'info-set guestinfo.{key} <value>'")
    if done.returncode != 0:
        said = (done.stderr + done.stdout).strip()
        raise IgnitionError(f"{RPCTOOL} info-set guestinfo.{key}: {said or 'failed'}")


def virtualbox_delete(name: str, log: Logger) -> None:
    """Delete the VirtualBox guest property `name`.

    Raises IgnitionError worded as upstream's ("deleting VirtualBox guest property ...")."""
    what = f'deleting VirtualBox guest property "{name}"'
    if not os.path.exists(VBOXGUEST_DEVICE):
        raise IgnitionError(f"{what}: no such file or directory")
    require_tools([VBOXCONTROL])
    done = run([VBOXCONTROL, "--nologo", "guestproperty", "delete", name], log, check=False)
    if done.returncode != 0:
        said = (done.stderr + done.stdout).strip()
        raise IgnitionError(f"{what}: {said or f'exit status {done.returncode}'}")
