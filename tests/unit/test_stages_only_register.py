"""Each stages/*.py only registers: its top level holds imports, a docstring and
functions decorated with PLANNERS.register / RUNNERS.register; actions and decisions live
in the deciding packages (read from the source)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ignition_py.stages

STAGES_DIR = Path(ignition_py.stages.__file__).parent
REGISTRIES = ("PLANNERS", "RUNNERS")


def extras(source: str) -> list[str]:
    """The top-level statements of a stage module beyond imports, docstring and
    registered functions, as 'line N: Kind name'."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.FunctionDef) and _registered(node):
            continue
        name = getattr(node, "name", "")
        found.append(f"line {node.lineno}: {type(node).__name__} {name}".rstrip())
    return found


def _registered(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr == "register"
            and isinstance(decorator.func.value, ast.Name)
            and decorator.func.value.id in REGISTRIES
        ):
            return True
    return False


@pytest.mark.parametrize("path", sorted(STAGES_DIR.glob("*.py")), ids=lambda p: p.name)
def test_stage_module_only_registers(path: Path) -> None:
    assert extras(path.read_text()) == [], f"{path.name} defines more than a registration"


def test_the_check_sees_an_action_class_and_a_helper() -> None:
    source = (
        "from x import y\n"
        "@PLANNERS.register('a')\ndef plan(c, x): return []\n"
        "class Mount: pass\n"
        "def helper(): pass\n"
        "HELPER = 'x'\n"
    )
    assert extras(source) == [
        "line 4: ClassDef Mount",
        "line 5: FunctionDef helper",
        "line 6: Assign",
    ]
