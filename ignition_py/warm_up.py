"""Load the stages' code once, early in the initramfs and at idle priority, so that the
first stage does not pay for it (ignition-py-warm-up.service).

Under emulation (QEMU's TCG) the first process to run the interpreter's code and read
the payload's byte code pays for translating and paging them in: ~1 s of the first
stage's start, against ~0.15 s for each stage after it. This module imports what the
stages import and nothing else: it reads no config and changes nothing on the host.
"""

from __future__ import annotations

import importlib

MODULES = (
    "ignition_py.agent_cli",
    "ignition_py.engine",
    "ignition_py.fetch_stage",
    "ignition_py.acquire",
    "ignition_py.config.parse",
    "ignition_py.kargs_plan",
    "ignition_py.disks.plan",
    "ignition_py.disks.mount_plan",
    "ignition_py.files.plan",
)


def main() -> int:
    """Import MODULES; 0 whatever happens (a module that fails is the stage's to report)."""
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception:
            continue
    return 0
