"""Older spec versions forward to the newest.

Each spec is a superset of the one before, so the model of an older config is already a
model of the newest; what changes is the version, and the special mode bits
(setuid/setgid/sticky) that upstream honours only in configs written as 3.6.0 or newer
(older ones are warned about, and the bits are removed).
"""

from __future__ import annotations

from ..frozen import replace
from ..typecheck import TYPE_CHECKING
from .model import Config, Directory, File
from .versions import NEWEST_STABLE, V3_6, Version

if TYPE_CHECKING:
    from typing import TypeVar

    NodeT = TypeVar("NodeT", File, Directory)

_SPECIAL_BITS = 0o7000


def translate(config: Config, version: Version) -> Config:
    target = str(max(version, NEWEST_STABLE))
    config = replace(config, ignition=replace(config.ignition, version=target))
    storage = config.storage
    if storage is None or version.at_least(V3_6):
        return config
    files = tuple(_without_special_bits(f) for f in storage.files)
    directories = tuple(_without_special_bits(d) for d in storage.directories)
    return replace(config, storage=replace(storage, files=files, directories=directories))


def _without_special_bits(node: NodeT) -> NodeT:
    if node.mode is None or not node.mode & _SPECIAL_BITS:
        return node
    return replace(node, mode=node.mode & ~_SPECIAL_BITS)
