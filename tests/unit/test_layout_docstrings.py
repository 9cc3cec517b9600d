"""Every public function and class that one part of ignition_py imports from another has a
docstring (shapes, units, what it raises, which upstream behaviour it reproduces).

Read from the source with ast, imports inside functions included: a name imported from
another part (config, files, system, ... each top-level module being a part of its own),
directly or through a re-export, or used as `module.name` after `from part import module`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

from tests.unit.package_source import imported_from, module_files, part

Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
Crossing = tuple[str, str, str]  # (module imported from, name, importing module)


class Source:
    """Each module's parsed tree, top-level definitions and top-level `from` imports."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = files
        self.trees = {name: ast.parse(path.read_text(), str(path)) for name, path in files.items()}
        self.defined: dict[str, dict[str, Definition]] = {}
        self.reexported: dict[str, dict[str, tuple[str, str]]] = {}
        for name, tree in self.trees.items():
            self.defined[name] = {
                node.name: node for node in tree.body if isinstance(node, Definition)
            }
            self.reexported[name] = {
                alias.asname or alias.name: (imported_from(name, files[name], node), alias.name)
                for node in tree.body
                if isinstance(node, ast.ImportFrom)
                for alias in node.names
            }

    def definition(self, module: str, name: str) -> tuple[str, Definition] | None:
        """Where `module.name` is defined, through re-exports; None for anything but a
        function or a class (constants, type aliases) or a name from outside the package."""
        seen = set()
        while (module, name) not in seen and module in self.trees:
            seen.add((module, name))
            if name in self.defined[module]:
                return module, self.defined[module][name]
            if name not in self.reexported[module]:
                return None
            module, name = self.reexported[module][name]
        return None

    def imported_names(self, importer: str) -> Iterator[tuple[str, str]]:
        """(module, name) for every name `importer` takes from ignition_py: `from m import
        name`, and `module.attr` where `from p import module` bound a module."""
        tree = self.trees[importer]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            base = imported_from(importer, self.files[importer], node)
            if not base.startswith("ignition_py"):
                continue
            for alias in node.names:
                module = f"{base}.{alias.name}"
                if module not in self.files:
                    yield base, alias.name
                    continue
                bound = alias.asname or alias.name
                for use in ast.walk(tree):
                    if (
                        isinstance(use, ast.Attribute)
                        and isinstance(use.value, ast.Name)
                        and use.value.id == bound
                    ):
                        yield module, use.attr

    def crossings(self) -> Iterator[tuple[Crossing, str, Definition]]:
        """Each public function or class imported across parts, with where it is defined."""
        for importer in self.trees:
            for module, name in self.imported_names(importer):
                found = self.definition(module, name)
                if found is None or name.startswith("_"):
                    continue
                where, node = found
                if part(importer) not in (part(module), part(where)):
                    yield (module, name, importer), where, node


def missing(source: Source) -> dict[str, list[str]]:
    """`defining_module.name` -> the importing modules, for each crossing without a docstring."""
    found: dict[str, list[str]] = {}
    for (_, _, importer), where, node in source.crossings():
        if ast.get_docstring(node) is None:
            found.setdefault(f"{where}.{node.name}", []).append(importer)
    return found


def test_the_scan_follows_reexports_module_attributes_and_local_imports() -> None:
    crossings = {crossing for crossing, _, _ in Source(module_files()).crossings()}
    # apply imports WriteContext inside a function
    assert ("ignition_py.files.write_context", "WriteContext", "ignition_py.apply") in crossings
    # `from ..system import selinux` then `selinux.setfiles(...)` style uses count too
    assert any(importer.startswith("ignition_py.stages.") for _, _, importer in crossings)


def test_the_scan_finds_an_undocumented_function(tmp_path: Path) -> None:
    (tmp_path / "low").mkdir()
    files = {
        "ignition_py.low": tmp_path / "low" / "__init__.py",
        "ignition_py.low.tool": tmp_path / "low" / "tool.py",
        "ignition_py.high": tmp_path / "high.py",
    }
    files["ignition_py.low"].write_text("from .tool import bare as exported\n")
    files["ignition_py.low.tool"].write_text(
        'def bare(): pass\ndef told():\n    """Docs."""\ndef _private(): pass\n'
    )
    files["ignition_py.high"].write_text(
        "from .low import exported\nfrom .low import tool\ntool.told()\ntool._private()\n"
    )
    assert missing(Source(files)) == {"ignition_py.low.tool.bare": ["ignition_py.high"]}


def test_every_name_crossing_a_part_boundary_has_a_docstring() -> None:
    found = missing(Source(module_files()))
    shown = "\n".join(
        f"{name} (imported by {', '.join(sorted(set(by)))})" for name, by in found.items()
    )
    assert not found, f"public names used across parts of ignition_py without a docstring:\n{shown}"
