"""Running build tools with progress the user can follow."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


class HarnessError(Exception):
    """Something the harness could not do; the message says what and why."""


def say(message: str) -> None:
    print(f"[harness] {message}", file=sys.stderr, flush=True)


def run(argv: Sequence[str], *, cwd: Path | None = None, quiet: bool = True) -> str:
    started = time.monotonic()
    done = subprocess.run(list(argv), cwd=cwd, capture_output=quiet, text=True, check=False)
    if done.returncode != 0:
        output = (done.stderr or "") + (done.stdout or "") if quiet else ""
        raise HarnessError(
            f"{shlex.join(argv)} failed with exit code {done.returncode}\n{output[-3000:]}"
        )
    elapsed = time.monotonic() - started
    if elapsed > 5:
        say(f"  {Path(argv[0]).name} took {elapsed:.1f} s")
    return done.stdout or ""
