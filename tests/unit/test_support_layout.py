"""Where test support lives: bench/ and testkit/ import nothing from tests/, and the upstream
agents' paths are written in testkit/agents.py alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AGENT_PATHS = ("ignition-oracle", "modules.d/30ignition/ignition", "/usr/bin/ignition-validate")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("package", ["bench", "testkit"])
def test_imports_nothing_from_tests(package: str) -> None:
    sources = sorted((REPO / package).glob("*.py"))
    assert sources
    leaks = {
        f"{path.name}: {name}"
        for path in sources
        for name in imported(path)
        if name == "tests" or name.startswith("tests.")
    }
    assert not leaks


def test_agent_paths_are_written_once() -> None:
    written = {
        str(path.relative_to(REPO))
        for folder in ("tests", "bench", "testkit", "qemu-harness")
        for path in (REPO / folder).rglob("*.py")
        if any(agent in path.read_text() for agent in AGENT_PATHS) and path != Path(__file__)
    }
    assert written == {"testkit/agents.py"}
