"""setfiles, the one tool SELinux relabelling runs (upstream's util.RelabelFiles)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..log import Logger
from .commands import require_tools, run

SETFILES = "setfiles"


def require_setfiles() -> None:
    """Raises MissingToolError when setfiles is not on PATH."""
    require_tools([SETFILES])


def setfiles(root: Path, file_contexts: Path, paths: Sequence[Path], log: Logger) -> None:
    """Label `paths` (absolute, under `root`; directories recursively) from the root's
    `file_contexts`, as v2.26.0 does: `setfiles -vF0 -r ROOT FILE_CONTEXTS -f -` with the
    paths NUL-separated (and NUL-terminated) on stdin.

    Raises MissingToolError without setfiles, CommandError when it fails."""
    require_setfiles()
    listing = b"".join(bytes(path) + b"\0" for path in paths)
    argv = [SETFILES, "-vF0", "-r", str(root), str(file_contexts), "-f", "-"]
    log.info(f"relabeling {len(paths)} patterns")
    run(argv, log, stdin=listing)
