"""The initramfs's /usr/bin/ignition as the Debian package builds it (launcher/ignition.c),
compiled for a test or a benchmark with the agent somewhere else."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .agents import REPO

SOURCE = REPO / "launcher" / "ignition.c"


def build_launcher(target: Path, python: str, sys_path: list[str], prepend: bool = False) -> Path:
    """Compile the launcher to `target` (its directory made): when it runs the command
    itself it runs `python -IS` with `sys_path` as sys.path (before the interpreter's own
    when `prepend`). Returns `target`. Raises subprocess.CalledProcessError (the compiler's
    messages in its stderr) when cc fails, FileNotFoundError without cc."""
    target.parent.mkdir(parents=True, exist_ok=True)
    code = f"sys.path[:0] = {sys_path!r}" if prepend else f"sys.path[:] = {sys_path!r}"
    subprocess.run(
        ["cc", "-O2", "-Wall", "-Wextra", "-Werror", f"-DPYTHON={_c_string(python)}",
         f"-DAGENT_PATH={_c_string(code)}", "-o", str(target), str(SOURCE)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return target


def _c_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
