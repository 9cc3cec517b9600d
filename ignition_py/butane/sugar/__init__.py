"""Butane's variant-specific sugar (placeholder until the sugar package lands): the keys
only a variant has are refused as not supported yet."""

from __future__ import annotations

from ...typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_VARIANT_KEYS = ("boot_device", "grub", "openshift", "metadata")


class Sugar:
    """What desugaring gives: the YAML tree without the sugar-only keys, the Ignition
    fragment the sugar generates (merged as the parent of the user's translated config),
    where each fragment path came from in the YAML, and the problems found."""

    __slots__ = ("fragment", "problems", "sources", "tree")

    def __init__(
        self,
        tree: dict[str, Any],
        fragment: dict[str, Any] | None = None,
        sources: dict[tuple[str | int, ...], tuple[str | int, ...]] | None = None,
        problems: list[tuple[str, tuple[str | int, ...], str]] | None = None,
    ) -> None:
        self.tree = tree
        self.fragment: dict[str, Any] = {} if fragment is None else fragment
        self.sources = {} if sources is None else sources
        self.problems = [] if problems is None else problems


def desugar(variant: str, version: str, tree: dict[str, Any], ignition_version: str) -> Sugar:
    """Butane's variant-specific processing (fcos boot_device luks/mirror, grub.users,
    openshift/r4e/fiot/flatcar extras and checks) for one config; tree is the YAML mapping
    as plain Python data (no positions)."""
    keys = _VARIANT_KEYS if variant in ("fcos", "openshift") else ()
    rest = {k: v for k, v in tree.items() if k not in keys}
    problems: list[tuple[str, tuple[str | int, ...], str]] = [
        ("error", (key,), f"`{key}` is not supported yet") for key in tree if key in keys
    ]
    return Sugar(rest, problems=problems)
