"""Putting the sugar's pieces together: grub's storage is the parent of boot_device's (Butane
merges handleUserGrubCfg's config as the parent of the boot-device-merged config), and every
fragment path gets the YAML path it came from."""

from __future__ import annotations

from ignition_py.butane.sugar.shape import Path
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_GRUB_SOURCE: Path = ("grub", "users")


def combine(
    grub_storage: dict[str, Any],
    boot_storage: dict[str, Any],
    boot_sources: dict[Path, Path | None],
) -> tuple[dict[str, Any], dict[Path, Path | None]]:
    """(storage, sources): boot_device's storage merged over grub's, as Ignition merges a
    child config over its parent (ignition_py.butane.tree_merge)."""
    from ignition_py.butane.tree_merge import CHILD, PARENT, merge_trees, remap

    merged, moves = merge_trees({"storage": grub_storage}, {"storage": boot_storage})
    sources: dict[Path, Path | None] = {}
    for key, entries in grub_storage.items():
        sources[("storage", key)] = _GRUB_SOURCE
        for i in range(len(entries)):
            sources[remap(("storage", key, i), PARENT, moves)] = _GRUB_SOURCE
    if grub_storage:
        sources[("storage",)] = _GRUB_SOURCE
    for path, source in boot_sources.items():
        if path == () and grub_storage:
            continue  # boot_device's storage is the child: it keeps the parent's path source
        sources[remap(("storage", *path), CHILD, moves)] = source
    return merged.get("storage", {}), sources


def fill_sources(fragment: dict[str, Any], sources: dict[Path, Path | None]) -> dict[Path, Path]:
    """Every path in ``fragment`` (containers and leaves) -> the source of its nearest
    ancestor-or-self that has one; a path mapped to None (Butane has no translation for it)
    is left out, and B falls back to the Ignition path as Butane does."""
    out: dict[Path, Path] = {}

    def walk(node: object, path: Path, inherited: Path) -> None:
        if path in sources and sources[path] is None:
            return
        source = sources.get(path) or inherited
        if path:
            out[path] = source
        if isinstance(node, dict):
            for key, child in node.items():
                walk(child, (*path, key), source)
        elif isinstance(node, list):
            for i, child in enumerate(node):
                walk(child, (*path, i), source)

    walk(fragment, (), ())
    return out
