"""The rendered config that stages hand to each other (`-config-cache`).

It was fully checked by the stage that wrote it, so reading it back skips the schema
and the semantic rules: this is the import path of every later stage process, and
jsonschema is deliberately not on it.
"""

from __future__ import annotations

import json

from ..typecheck import TYPE_CHECKING
from .build import build, render
from .model import Config

if TYPE_CHECKING:
    from pathlib import Path

CACHE_MODE = 0o640


def config_from_cache(raw: bytes) -> Config:
    """The model of a cache file's bytes (read once by the caller, who also logs them)."""
    return build(Config, json.loads(raw))


def write_cached(path: str | Path, config: Config) -> None:
    """Write atomically with upstream's mode: a reader never sees half a config."""
    from pathlib import Path

    from ..system.fs_writes import write_atomic  # the fetch stages write; the others read

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, json.dumps(render(config)).encode(), CACHE_MODE)
