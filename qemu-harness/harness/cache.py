"""Where built artifacts live between runs, keyed by what they were built from."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("IGNITION_PY_HARNESS_CACHE", "/var/cache/ignition-py-harness"))


def digest_of(paths: Iterable[Path], *extra: str) -> str:
    """A short hash of files' names and contents (directories walked), plus extra strings."""
    hasher = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            hasher.update(str(file).encode())
            hasher.update(file.read_bytes())
    for text in extra:
        hasher.update(text.encode())
    return hasher.hexdigest()[:16]


def cache_dir(*parts: str) -> Path:
    path = CACHE_ROOT.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
