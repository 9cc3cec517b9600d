"""The stages keep to the start-up budget: their records are the project's frozen
records (ignition_py.frozen), so importing every module a stage loads at boot never
imports `dataclasses` (with inspect, ast and tokenize, ~13 ms of a stage's start)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import ignition_py.disks
import ignition_py.files
import ignition_py.providers
import ignition_py.resources
from ignition_py.disks.gpt_layout import Geometry, GptEntry, Layout
from ignition_py.files.entries import FileAction
from ignition_py.files.units import Preset
from ignition_py.frozen import FrozenInstanceError, is_frozen_record

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
    # Every fetcher and provider a fetch stage may load.
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


@pytest.mark.parametrize("stage", sorted(STAGE_MODULES))
def test_a_stage_imports_no_dataclasses(stage: str) -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {STAGE_MODULES[stage]!r}:\n"
        "    importlib.import_module(name)\n"
        "print('dataclasses' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stdout + done.stderr


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
