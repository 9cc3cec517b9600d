"""Run external tools: log a copy-pasteable command line, parse output in the C locale,
and turn a failure into a CommandError that carries argv, exit code and stderr.

Processes start with os.posix_spawnp and their output lands in memory files, not pipes:
`subprocess` (with signal, threading, selectors, locale) and `shutil` cost each stage more
to import than most of its commands take to run under emulation, and a spawn copies no
page tables. The child gets what subprocess.run would give it: the C locale added to the
environment, SIGPIPE and SIGXFSZ back to their defaults, our stdin unless input is given.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal without its enum conversion
import os
from collections.abc import Mapping, Sequence

from ..errors import CommandError, MissingToolError
from ..log import Logger
from ..shell_words import join

_C_LOCALE = {"LC_ALL": "C", "LANG": "C"}
# Python ignores these; ignored signals stay ignored across exec (subprocess's restore_signals).
_DEFAULT_SIGNALS = (_signal.SIGPIPE, _signal.SIGXFSZ)


class Completed:
    """A finished command: argv, exit status (negative: killed by that signal), and its
    stdout and stderr decoded as UTF-8 (undecodable bytes replaced)."""

    __slots__ = ("args", "returncode", "stderr", "stdout")

    def __init__(self, args: list[str], returncode: int, stdout: str, stderr: str) -> None:
        self.args, self.returncode, self.stdout, self.stderr = args, returncode, stdout, stderr

    def __repr__(self) -> str:
        return f"Completed(args={self.args!r}, returncode={self.returncode})"


def run(
    argv: Sequence[str],
    log: Logger | None = None,
    *,
    stdin: bytes | None = None,
    env: Mapping[str, str] | None = None,
    check: bool = True,
    redact: Sequence[str] = (),
) -> Completed:
    """Run argv (found on PATH) to its end; arguments in `redact` (secrets) are shown as
    <redacted> in the log. Raises OSError (FileNotFoundError, PermissionError) when argv[0]
    cannot be started, CommandError when `check` and it exits non-zero."""
    shown = ["<redacted>" if arg in redact else arg for arg in argv]
    if log is not None:
        log.debug(f"running: {join(shown)}")
    environment = {**os.environ, **_C_LOCALE, **(env or {})}
    args = list(argv)
    returncode, stdout, stderr = _spawn(args, stdin, environment)
    if check and returncode != 0:
        raise CommandError(shown, returncode, stderr)
    return Completed(args, returncode, stdout, stderr)


def _spawn(argv: list[str], stdin: bytes | None, env: dict[str, str]) -> tuple[int, str, str]:
    out = os.memfd_create("stdout", os.MFD_CLOEXEC)
    err = os.memfd_create("stderr", os.MFD_CLOEXEC)
    given = None
    try:
        actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
        if stdin is not None:
            given = os.memfd_create("stdin", os.MFD_CLOEXEC)
            _write_all(given, stdin)
            os.lseek(given, 0, os.SEEK_SET)
            actions.insert(0, (os.POSIX_SPAWN_DUP2, given, 0))
        pid = os.posix_spawnp(argv[0], argv, env, file_actions=actions,
                              setsigdef=_DEFAULT_SIGNALS)  # fmt: skip
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), _read(out), _read(err)
    finally:
        for fd in (out, err, given):
            if fd is not None:
                os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read(fd: int) -> str:
    size = os.lseek(fd, 0, os.SEEK_END)
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def which(name: str) -> str | None:
    """shutil.which(name) for a bare name or a path: the first executable, non-directory
    file on $PATH (os.defpath when unset), or None."""
    if os.sep in name:
        return name if _executable(name) else None
    for directory in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(directory, name)
        if _executable(candidate):
            return candidate
    return None


def _executable(path: str) -> bool:
    return os.access(path, os.F_OK | os.X_OK) and not os.path.isdir(path)


def missing_tools(names: Sequence[str]) -> list[str]:
    """The programs in names that are not on PATH, in the order given."""
    return [name for name in names if which(name) is None]


def require_tools(names: Sequence[str]) -> None:
    """Fail before the first write when a tool a stage will need is missing."""
    missing = missing_tools(names)
    if missing:
        raise MissingToolError(missing)
