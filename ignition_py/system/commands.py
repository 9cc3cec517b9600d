"""Run external tools: log a copy-pasteable command line, parse output in the C locale,
and turn a failure into a CommandError that carries argv, exit code and stderr."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping, Sequence

from ..errors import CommandError, MissingToolError
from ..log import Logger

_C_LOCALE = {"LC_ALL": "C", "LANG": "C"}


def run(
    argv: Sequence[str],
    log: Logger | None = None,
    *,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    redact: Sequence[str] = (),
) -> subprocess.CompletedProcess[str]:
    """Run argv; arguments in `redact` (secrets) are shown as <redacted> in the log."""
    shown = ["<redacted>" if arg in redact else arg for arg in argv]
    if log is not None:
        log.debug(f"running: {shlex.join(shown)}")
    environment = {**os.environ, **_C_LOCALE, **(env or {})}
    done = subprocess.run(
        list(argv), input=stdin, capture_output=True, env=environment, check=False
    )
    stdout = done.stdout.decode("utf-8", "replace")
    stderr = done.stderr.decode("utf-8", "replace")
    if check and done.returncode != 0:
        raise CommandError(shown, done.returncode, stderr)
    return subprocess.CompletedProcess(done.args, done.returncode, stdout, stderr)


def missing_tools(names: Sequence[str]) -> list[str]:
    """The programs in names that are not on PATH, in the order given."""
    return [name for name in names if shutil.which(name) is None]


def require_tools(names: Sequence[str]) -> None:
    """Fail before the first write when a tool a stage will need is missing."""
    missing = missing_tools(names)
    if missing:
        raise MissingToolError(missing)
