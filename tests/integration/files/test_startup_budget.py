"""The stages keep to the start-up budget: their records are the project's frozen
records (ignition_py.frozen), so importing every module a stage loads at boot never
imports `dataclasses` (with inspect, ast and tokenize, ~13 ms of a stage's start); and a
fetch-offline stage or `ignition-validate` run end to end on a config that needs no
network loads nothing that only the network, another platform or a bad config needs."""

from __future__ import annotations

import base64
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import ignition_py.disks
import ignition_py.files
import ignition_py.providers
import ignition_py.resources
from ignition_py.disks.gpt_layout import Geometry, GptEntry, Layout
from ignition_py.files.entries import FileAction
from ignition_py.files.units import Preset
from ignition_py.frozen import FrozenInstanceError, is_frozen_record
from ignition_py.providers.catalog import PROVIDER_MODULES
from testkit.agents import OURS
from testkit.stagerun import run_stages

FILES_MODULES = [
    *(
        f"ignition_py.files.{info.name}"
        for info in pkgutil.iter_modules(ignition_py.files.__path__)
    ),
    "ignition_py.stages.files",
    "ignition_py.resources.contents",
    "ignition_py.resources.dataurl",
]
# The disks planner imports ignition_py.disks.plan and the host probe once the config
# has storage; mount, umount and kargs import theirs the same way.
DISKS_MODULES = [
    *(
        f"ignition_py.disks.{info.name}"
        for info in pkgutil.iter_modules(ignition_py.disks.__path__)
    ),
    "ignition_py.stages.disks",
    "ignition_py.system.disk_probe",
]
STAGE_MODULES = {
    "files": FILES_MODULES,
    "disks": DISKS_MODULES,
    "mount": [
        "ignition_py.stages.mount",
        "ignition_py.disks.mount_rules",
        "ignition_py.files.relabel",
        "ignition_py.plan_tools",
        "ignition_py.system.mounts",
        "ignition_py.system.selinux",
        "ignition_py.state",
    ],
    "umount": ["ignition_py.stages.umount", "ignition_py.disks.mount_rules"],
    "kargs": ["ignition_py.stages.kargs", "ignition_py.files.command_action"],
    # Every fetcher and provider a fetch stage may load (fetch-offline runs end to end below).
    "fetch": [
        "ignition_py.stages.fetch",
        "ignition_py.engine",
        "ignition_py.agent_cli",
        "ignition_py.acquire",
        "ignition_py.config.parse",
        *(
            f"{package.__name__}.{info.name}"
            for package in (ignition_py.resources, ignition_py.providers)
            for info in pkgutil.iter_modules(package.__path__)
        ),
    ],
    "fetch-offline": ["ignition_py.stages.fetch_offline"],
}


# Modules every stage would pay for at start in a TCG guest (~15-20x their native import
# time), each with what replaced it: frozen_model records, typecheck's TYPE_CHECKING,
# _socket (socket.py makes enums of every constant), GUIDs by hand (uuid imports
# platform), os.urandom (secrets imports random and hmac), the build-time schema
# validators (fastjsonschema's package imports its code generator), os.posix_spawnp and
# memory files (subprocess brings signal, threading, selectors and locale), our own PATH
# lookup (shutil tries bz2 and lzma), shell_words (shlex only to quote), _sha512 (hashlib
# loads OpenSSL), tempfile only for a LUKS key, glob only to relabel account files.
HEAVY_AT_START = (
    "dataclasses", "typing", "socket", "uuid", "secrets", "fastjsonschema",
    "subprocess", "shutil", "shlex", "hashlib", "tempfile", "glob",
)  # fmt: skip
if sys.version_info >= (3, 12):  # no _sha512 module there: the digest comes from hashlib
    HEAVY_AT_START = tuple(m for m in HEAVY_AT_START if m != "hashlib")
# The http(s) fetcher's deadline needs sockets, AWS signatures hashlib: only runs that
# fetch over http load them.
ALLOWED = {"fetch": ("socket", "hashlib")}
# The venv has no build-time validators: it compiles them with fastjsonschema, which
# imports typing (tests/integration/fetch/test_payload_runs.py checks the initramfs's run).
VENV_COMPILES = ("fastjsonschema", "typing")


@pytest.mark.parametrize("stage", sorted(STAGE_MODULES))
def test_a_stage_imports_none_of_the_heavy_modules(stage: str) -> None:
    heavy = [m for m in HEAVY_AT_START if m not in ALLOWED.get(stage, ())]
    code = (
        "import importlib, sys\n"
        f"for name in {STAGE_MODULES[stage]!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# What neither run needs: `dataclasses` (and the inspect it brings), HTTP (requests,
# urllib3, TLS, the deadline's thread), jsonschema (only a config with a schema error uses
# it), and the heavy modules requests would bring along.
NEVER = (
    *(m for m in HEAVY_AT_START if m not in VENV_COMPILES),
    "inspect",
    "requests",
    "urllib3",
    "ssl",
    "threading",
    "jsonschema",
    "email",
    "typing_extensions",
    "ignition_py.resources.tls",
    "ignition_py.resources.deadline",
    # A JSON config never loads the Butane front end nor PyYAML.
    "yaml",
    "ignition_py.butane",
)
# A stage imports only its own platform's provider.
OTHER_PROVIDERS = tuple(
    f"ignition_py.providers.{m}" for m in sorted(set(PROVIDER_MODULES.values())) if m != "file"
)

INNER = {
    "ignition": {"version": "3.4.0"},
    "storage": {"files": [{"path": "/etc/hello", "contents": {"source": "data:,hi"}}]},
}
MERGING = {
    "ignition": {
        "version": "3.4.0",
        "config": {
            "merge": [
                {"source": "data:;base64," + base64.b64encode(json.dumps(INNER).encode()).decode()}
            ]
        },
    },
    "passwd": {"users": [{"name": "core"}]},
}


def recording(cli_module: str) -> list[str]:
    """`python -c CODE ...`: runs ``cli_module``'s main on the arguments after the first
    and writes the names in sys.modules, however it ends, to $MODULES_OUT."""
    code = (
        "import os, sys\n"
        f"from {cli_module} import main\n"
        "try:\n"
        "    code = main(sys.argv[2:])\n"
        "finally:\n"
        "    with open(os.environ['MODULES_OUT'], 'w') as out:\n"
        "        out.write('\\n'.join(sys.modules))\n"
        "sys.exit(code)\n"
    )
    return [sys.executable, "-c", code]


def loaded_of_concern(modules_out: Path, concerns: tuple[str, ...]) -> list[str]:
    loaded = set(modules_out.read_text().split())
    assert "ignition_py.config.parse" in loaded, "the run recorded nothing"
    return sorted(loaded.intersection(concerns))


def test_fetch_offline_of_a_merging_config_imports_nothing_it_does_not_need(
    tmp_path: Path,
) -> None:
    modules_out = tmp_path / "modules"
    outcome = run_stages(
        OURS,
        tmp_path / "work",
        ["fetch-offline"],
        user_config=MERGING,
        env={"MODULES_OUT": str(modules_out)},
        prefix=recording("ignition_py.agent_cli"),
        fetch_when_neednet=False,
    )
    assert outcome.returncode == 0, outcome.output
    cached = outcome.cached
    assert cached is not None and cached["storage"]["files"][0]["path"] == "/etc/hello"
    assert loaded_of_concern(modules_out, NEVER + OTHER_PROVIDERS) == []


def test_validate_of_a_valid_config_imports_nothing_it_does_not_need(tmp_path: Path) -> None:
    config = tmp_path / "config.ign"
    config.write_text(json.dumps(MERGING))
    modules_out = tmp_path / "modules"
    done = subprocess.run(
        [*recording("ignition_py.validate_cli"), "ignition-validate", str(config)],
        capture_output=True,
        text=True,
        env={"MODULES_OUT": str(modules_out)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    concerns = (*NEVER, "ignition_py.providers", "ignition_py.resources.fetcher")
    assert loaded_of_concern(modules_out, concerns) == []


def test_files_records_are_frozen() -> None:
    preset = Preset("echo@.service", True, ("a",))
    assert is_frozen_record(preset) and preset.with_instance("b").instances == ("a", "b")
    assert preset.instances == ("a",)
    try:
        preset.enabled = False  # type: ignore[misc]
    except FrozenInstanceError:
        pass
    else:
        raise AssertionError("a files record could be changed")
    assert is_frozen_record(FileAction.__new__(FileAction))


def test_disks_records_are_frozen_and_the_layout_compares_by_value() -> None:
    entry = GptEntry(1, 2048, 2048)
    assert is_frozen_record(entry) and is_frozen_record(Geometry.fresh(512, 32768))
    try:
        entry.size = 1  # type: ignore[misc]
    except FrozenInstanceError:
        pass
    else:
        raise AssertionError("a GPT entry could be changed")
    layout = Layout(Geometry.fresh(512, 32768), {1: entry})
    assert layout.alignment == 2048 and layout == layout.copy()
    copy = layout.copy()
    copy.entries.pop(1)
    assert copy != layout and 1 in layout.entries
