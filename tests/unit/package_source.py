"""ignition_py's modules read as source (ast), for the layout tests: every module's file
(the ignition_py/stages symlink read as the stages/ it points to), the package part each
belongs to, and the module a `from ... import` names."""

from __future__ import annotations

import ast
from pathlib import Path

import ignition_py

PACKAGE = Path(ignition_py.__file__).parent


def module_files() -> dict[str, Path]:
    """Dotted module name -> source file, through the stages symlink too."""
    files: dict[str, Path] = {}
    roots = [(PACKAGE, "ignition_py"), ((PACKAGE / "stages").resolve(), "ignition_py.stages")]
    for root, prefix in roots:
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            files[".".join((prefix, *parts))] = path
    return files


def part(name: str) -> str:
    """The top-level part of ignition_py a module is in: ignition_py.config for
    ignition_py.config.model, ignition_py.engine for the top-level module engine."""
    return ".".join(name.split(".")[:2])


def imported_from(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module `node` (inside module `name`, read from `path`) imports from."""
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*anchor, *([node.module] if node.module else [])])
    return base
