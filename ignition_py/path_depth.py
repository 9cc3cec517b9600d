"""How deep a path is, for ordering: shallowest first when creating (files, mounts),
deepest first when unmounting."""

from __future__ import annotations

import os


def depth(path: str | os.PathLike[str]) -> int:
    """Number of components of the cleaned path, as upstream's util.Depth: `/` and `.`
    are 0, `/a/b` and `/a/./b/` are 2, `/a/../b` is 1."""
    return len(
        [part for part in os.path.normpath(os.fspath(path)).split("/") if part not in ("", ".")]
    )
