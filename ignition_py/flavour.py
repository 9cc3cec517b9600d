"""Which build of the agent this is: "" (upstream's behaviour) or "flatcar" (Flatcar's
Ignition: its command line, fw_cfg and guestinfo names, its OEM partition). The dracut
module writes the flavour to FLAVOUR_FILE when built with IGNITION_PY_FLAVOUR=flatcar;
$IGNITION_PY_FLAVOUR_FILE names another file (tests). Config-level acceptance (oem://
URLs, cloud-init user data) does not depend on it."""

from __future__ import annotations

import os

FLAVOUR_FILE = "/etc/ignition-py/flavour"
FLATCAR = "flatcar"


def flavour() -> str:
    """The word the flavour file holds; "" when it is missing or unreadable (module-setup.sh
    writes no other word than flatcar)."""
    path = os.environ.get("IGNITION_PY_FLAVOUR_FILE") or FLAVOUR_FILE
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def is_flatcar() -> bool:
    """Whether the machine-level Flatcar behaviours apply (flatcar/coreos.config.url,
    qemu's opt/org.flatcar-linux/config, VMware's coreos.* guestinfo, the mount stage's
    /usr/share/oem -> /oem, the OEM-labelled filesystem reused whatever its format)."""
    return flavour() == FLATCAR
