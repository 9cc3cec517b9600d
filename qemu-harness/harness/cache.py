"""Where built artifacts live between runs, keyed by what they were built from, and the
host-wide locks that make concurrent runs build once and boot one VM at a time."""

from __future__ import annotations

import fcntl
import hashlib
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

CACHE_ROOT = Path(os.environ.get("IGNITION_PY_HARNESS_CACHE", "/var/cache/ignition-py-harness"))


def digest_of(paths: Iterable[Path], *extra: str) -> str:
    """A short hash of files' names and contents (directories walked), plus extra strings.

    Names are taken relative to each given path (a file: its own name), so that the same
    sources give the same key wherever the repository is cloned."""
    hasher = hashlib.sha256()
    for root in paths:
        files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for file in files:
            if "__pycache__" in file.parts:
                continue
            name = file.relative_to(root) if root.is_dir() else Path(file.name)
            hasher.update(str(name).encode() + b"\0")
            hasher.update(file.read_bytes())
    for text in extra:
        hasher.update(text.encode())
    return hasher.hexdigest()[:16]


def cache_dir(*parts: str) -> Path:
    """CACHE_ROOT/PARTS..., created if missing."""
    path = CACHE_ROOT.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def host_lock(name: str) -> Iterator[None]:
    """An exclusive flock on CACHE_ROOT/locks/NAME.lock, held for the block: every process
    on the machine that builds or boots through this package waits for the holder."""
    with (cache_dir("locks") / f"{name}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"[harness] waiting for another {name} user on this host", file=sys.stderr,
                  flush=True)  # fmt: skip
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
