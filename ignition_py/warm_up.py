"""Load the stages' code once, early in the initramfs and at idle priority, so that the
first stage does not pay for it (ignition-py-warm-up.service).

Under emulation (QEMU's TCG) the first process to run the interpreter's code and read
the payload's byte code pays for translating and paging them in: ~1 s of the first
stage's start, against ~0.15 s for each stage after it. This module imports what the
stages import (the platform's provider aside: the platform is not known here) and
nothing else: it reads no config and changes nothing on the host.
"""

from __future__ import annotations

import importlib

MODULES = (
    "ignition_py.agent_cli",
    "ignition_py.engine",
    "ignition_py.fetch_stage",
    "ignition_py.acquire",
    "ignition_py.user_data",
    "ignition_py.providers.catalog",
    "ignition_py.config.parse",
    "ignition_py.config.schema_mismatch",
    "ignition_py.kargs_plan",
    "ignition_py.disks.plan",
    "ignition_py.disks.mount_plan",
    "ignition_py.files.plan",
    "ignition_py.files.users",
    "ignition_py.files.units",
    "ignition_py.files.ssh_keys",
    "ignition_py.files.relabel",
    "ignition_py.files.home_dirs",
    "ignition_py.files.command_action",
    "ignition_py.system.systemctl",
    "ignition_py.system.as_user",
)


def main() -> int:
    """Import MODULES and the build's schema validators; 0 whatever happens (a module that
    fails to import is the stage's to report)."""
    from ignition_py.config.schema_check import PRECOMPILED_PACKAGE
    from ignition_py.config.versions import KNOWN_VERSIONS

    validators = [f"{PRECOMPILED_PACKAGE}.{v.schema_name}" for v in KNOWN_VERSIONS]
    for name in (*MODULES, *validators):
        try:
            importlib.import_module(name)
        except Exception:
            continue
    return 0
