"""system/ does, it does not decide: it imports nothing from disks/, files/, config/,
the state file logic or the resources layer (read from the source, not at run time)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ignition_py

SYSTEM = Path(ignition_py.__file__).parent / "system"
FORBIDDEN = ("disks", "files", "config", "state", "resources", "providers", "stages")


def imported(path: Path) -> list[str]:
    """Every module a file imports, as ignition_py.X names where relative."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # from ..x import y, from . import z
                base = "ignition_py" if node.level == 2 else "ignition_py.system"
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.append(module)
            # `from ignition_py import state` names a module too
            names += [f"{module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


@pytest.mark.parametrize("path", sorted(SYSTEM.glob("*.py")), ids=lambda p: p.name)
def test_system_imports_no_deciding_layer(path: Path) -> None:
    bad = [
        name
        for name in imported(path)
        if any(
            name == f"ignition_py.{layer}" or name.startswith(f"ignition_py.{layer}.")
            for layer in FORBIDDEN
        )
    ]
    assert bad == [], f"{path.name} imports {bad}"


def test_the_check_sees_a_relative_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("from ..disks.plan import plan_storage\nfrom . import blockdev\n")
    names = imported(sample)
    assert "ignition_py.disks.plan" in names and "ignition_py.system.blockdev" in names


def test_the_check_sees_a_module_imported_by_name(tmp_path: Path) -> None:
    source = tmp_path / "x.py"
    source.write_text("from .. import state\nfrom ignition_py import files\n")
    names = imported(source)
    assert "ignition_py.state" in names and "ignition_py.files" in names
