"""A decoded spec 2.x tree -> the spec 2.4 tree flatcar/ignition v0.36.2's translation chain
(v2_1.TranslateFromV2_0, v2_2..v2_4.Translate) makes of it, with its quirks: Go zero values
of older non-pointer fields become explicit values in the newer pointer fields."""

from __future__ import annotations

import copy

from ...typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def upgrade(tree: dict[str, Any], minor: int) -> dict[str, Any]:
    """Spec 2.`minor` tree (decode_tree's output) -> spec 2.4 tree; `tree` is not changed."""
    out = copy.deepcopy(tree)
    out.setdefault("ignition", {})["version"] = "2.4.0"
    storage = out.get("storage", {})
    if minor == 0:
        # 2.0's file owners are plain ints: 2.1 reads their zero value as an explicit id 0.
        for node in storage.get("files", []):
            for owner in ("user", "group"):
                node[owner] = {"id": node.get(owner, {}).get("id", 0)}
    if minor <= 1:
        # 2.1's modes are plain ints: 2.2 reads their zero value as an explicit mode 0.
        for kind in ("files", "directories"):
            for node in storage.get(kind, []):
                node.setdefault("mode", 0)
    if minor <= 2:
        # 2.2's sizes and starts are plain ints: 2.3 makes them explicit (and deprecated).
        for disk in storage.get("disks", []):
            for part in disk.get("partitions", []):
                part.setdefault("size", 0)
                part.setdefault("start", 0)
                part.setdefault("label", "")
    return out
