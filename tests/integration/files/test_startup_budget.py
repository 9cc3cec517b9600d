"""The files stage keeps to the start-up budget: its records are the project's frozen
records (ignition_py.frozen), so importing every module it loads at boot never imports
`dataclasses` (with inspect, ast and tokenize, ~13 ms of a stage's start)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import ignition_py.files
from ignition_py.files.entries import FileAction
from ignition_py.files.units import Preset
from ignition_py.frozen import FrozenInstanceError, is_frozen_record

MODULES = [
    *(
        f"ignition_py.files.{info.name}"
        for info in pkgutil.iter_modules(ignition_py.files.__path__)
    ),
    "ignition_py.stages.files",
    "ignition_py.resources.contents",
    "ignition_py.resources.dataurl",
]


def test_the_files_stage_imports_no_dataclasses() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}:\n"
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
