"""No import cycles in ignition_py: read from the source with ast (imports inside
functions included), the ignition_py/stages symlink read as the stages/ it points to.

Between modules there must be none; between the top-level parts of the package
(config, resources, files, system, ... and the top-level modules) neither, so that each
layer can be read, tested and started without the ones above it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.unit.package_source import imported_from, module_files, part

Graph = dict[str, set[str]]


def imported_modules(name: str, path: Path, files: Mapping[str, Path]) -> Iterator[str]:
    """Every module the module imports anywhere: for `from a import b`, the module a.b if
    there is one, else a. (A package's __init__ is not counted as imported by its own
    modules: Python has loaded it before them.)"""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = imported_from(name, path, node)
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base


def module_graph() -> Graph:
    files = module_files()
    graph: Graph = {}
    for name, path in files.items():
        targets = set()
        for imported in imported_modules(name, path, files):
            while imported and imported not in files:
                imported = imported.rpartition(".")[0]
            if imported.startswith("ignition_py") and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def part_graph(graph: Mapping[str, set[str]]) -> Graph:
    """The graph between ignition_py.config, ignition_py.files, ignition_py.engine, ..."""
    parts: Graph = {part(name): set() for name in graph}
    for name, targets in graph.items():
        parts[part(name)] |= {part(t) for t in targets if part(t) != part(name)}
    return parts


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of nodes (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = set()
            while (member := stack.pop()) != node:
                group.add(member)
            if group:
                groups.append({*group, node})

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [cycle_in(graph, group) for group in groups]


def cycle_in(graph: Mapping[str, set[str]], group: set[str]) -> list[str]:
    """A path from the group's first node back to itself, inside the group (BFS)."""
    start = min(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for target in sorted(graph[node] & group):
            if target == start:
                back = [node]
                while back[-1] != start:
                    back.append(came_from[back[-1]])
                return [*reversed(back), start]
            if target not in came_from:
                came_from[target] = node
                frontier.append(target)
    raise AssertionError(f"no cycle in {group}")


def shown(found: list[list[str]]) -> str:
    return "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_scan_sees_stages_and_function_local_imports() -> None:
    graph = module_graph()
    assert "ignition_py.stage" in graph["ignition_py.stages.kargs"]
    # engine imports the stage modules at the top; fetch_stage imports providers in a function
    assert "ignition_py.stages.registered" in graph["ignition_py.engine"]
    assert "ignition_py.providers" in graph["ignition_py.fetch_stage"]


def test_the_cycle_finder_names_the_cycle() -> None:
    found = cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert found == [["a", "b", "c", "a"]]


def test_no_import_cycle_between_modules() -> None:
    found = cycles(module_graph())
    assert not found, f"import cycles:\n{shown(found)}"


def test_no_import_cycle_between_parts() -> None:
    found = cycles(part_graph(module_graph()))
    assert not found, f"import cycles between parts of ignition_py:\n{shown(found)}"
