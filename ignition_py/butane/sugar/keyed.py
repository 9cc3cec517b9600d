"""Where an entry of a keyed list lands when Ignition merges a parent list with a child list
(parent entries in order, a child entry with a parent's key in its place, new ones after)."""

from __future__ import annotations

from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Hashable, Sequence


def merged_positions(parent: Sequence[Hashable], child: Sequence[Hashable]) -> list[int]:
    """For each child key, its index in the merged list."""
    slots = {key: i for i, key in reversed(list(enumerate(parent)))}
    positions = []
    extra = len(parent)
    for key in child:
        if key in slots:
            positions.append(slots[key])
        else:
            slots[key] = extra
            positions.append(extra)
            extra += 1
    return positions
