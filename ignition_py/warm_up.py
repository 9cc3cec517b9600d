"""What the fork server (ignition_py.fork_server, ignition-py-warm-up.service) loads
before it serves: the modules every stage imports on a config that needs no network, so
that the stages forked from it import only what a particular config or platform needs
(its provider, HTTP and TLS, the Butane or YAML front ends, jsonschema's listing of a bad
config's errors).

Under emulation (QEMU's TCG) starting the interpreter and importing a stage's code costs
a stage more than its work (~0.15 s each, and ~1 s for the first process to page the
byte code in). Loading reads no config and changes nothing on the host.
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
    "ignition_py.disks.module_preload",
    "ignition_py.system.filesystem_modules",
    "ignition_py.system.mounts",
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


def load() -> None:
    """Import MODULES and the build's schema validators; a module that fails to import is
    skipped (it is the stage's to report). Raises nothing."""
    from ignition_py.config.schema_check import PRECOMPILED_PACKAGE
    from ignition_py.config.versions import KNOWN_VERSIONS

    validators = [f"{PRECOMPILED_PACKAGE}.{v.schema_name}" for v in KNOWN_VERSIONS]
    for name in (*MODULES, *validators):
        try:
            importlib.import_module(name)
        except Exception:
            continue
