"""Run external tools: log a copy-pasteable command line, parse output in the C locale,
and turn a failure into a CommandError that carries argv, exit code and stderr.

Processes start with os.posix_spawn and their output lands in memory files, not pipes:
`subprocess` (with signal, threading, selectors, locale) and `shutil` cost each stage more
to import than most of its commands take to run under emulation, and a spawn copies no
page tables. As with subprocess.run, the program is looked up in the PATH of the
environment it gets (ours with the C locale added), SIGPIPE and SIGXFSZ are back to their
defaults in it, it reads our stdin unless input is given, and an exception while waiting
(an interrupt) kills and reaps it. Unlike subprocess.run, and as Go's os/exec, descriptors
we inherited without close-on-exec stay open in it (systemd gives the stages only 0-2),
and a grandchild holding its output open does not keep us waiting.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # signal without its enum conversion
import contextlib
import errno
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
        # a tool may repeat a secret argument in its complaint (useradd: invalid field '...')
        said = [stderr, stdout]
        for secret in redact:
            if secret:
                said = [text.replace(secret, "<redacted>") for text in said]
        raise CommandError(shown, returncode, *said)
    return Completed(args, returncode, stdout, stderr)


def restore_child_signal() -> None:
    """SIGCHLD back to its default when it is ignored (inherited across exec): the kernel
    would reap our children before we can wait for them. The agent calls it at its start,
    in the main thread; a spawn or fork calls it again, and from another thread (the
    providers' race) it can only leave the disposition as it is (signal() needs the main
    thread)."""
    if _signal.getsignal(_signal.SIGCHLD) != _signal.SIG_IGN:
        return
    with contextlib.suppress(ValueError):
        _signal.signal(_signal.SIGCHLD, _signal.SIG_DFL)


class Started:
    """A tool running in the background (start): wait() for it, once."""

    __slots__ = ("_out", "args", "pid")

    def __init__(self, args: list[str], pid: int, out: tuple[int, int]) -> None:
        self.args, self.pid = args, pid
        self._out: tuple[int, int] | None = out

    def wait(self) -> Completed:
        """Its Completed (never raises for its exit status). An exception while waiting
        (an interrupt) kills and reaps it. Raises RuntimeError when called again,
        ChildProcessError when someone else reaped it."""
        if self._out is None:
            raise RuntimeError(f"{self.args[0]} (pid {self.pid}) was waited for already")
        out, err = self._out
        self._out = None
        try:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                raise
            except BaseException:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, _signal.SIGKILL)
                os.waitpid(self.pid, 0)
                raise
            return Completed(self.args, os.waitstatus_to_exitcode(status), _read(out), _read(err))
        finally:
            os.close(out)
            os.close(err)


def start(argv: Sequence[str], log: Logger | None = None) -> Started:
    """Start argv (found on PATH, stdin from /dev/null) without waiting for it, logged as
    run logs; its output is kept for Started.wait. Raises OSError (FileNotFoundError)
    when argv[0] cannot be started."""
    if log is not None:
        log.debug(f"running in the background: {join(argv)}")
    args = list(argv)
    environment = {**os.environ, **_C_LOCALE}
    with open(os.devnull, "rb") as nothing:
        pid, out = _launch(args, nothing.fileno(), environment)
    return Started(args, pid, out)


def _spawn(argv: list[str], stdin: bytes | None, env: dict[str, str]) -> tuple[int, str, str]:
    given = None
    if stdin is not None:
        given = os.memfd_create("stdin", os.MFD_CLOEXEC)
    try:
        if given is not None:
            _write_all(given, stdin or b"")
            os.lseek(given, 0, os.SEEK_SET)
        pid, out = _launch(argv, given, env)
    finally:
        if given is not None:
            os.close(given)
    done = Started(argv, pid, out).wait()
    return done.returncode, done.stdout, done.stderr


def _launch(argv: list[str], stdin: int | None, env: dict[str, str]) -> tuple[int, tuple[int, int]]:
    """(pid, its stdout and stderr memfds): the caller closes them."""
    out = os.memfd_create("stdout", os.MFD_CLOEXEC)
    err = os.memfd_create("stderr", os.MFD_CLOEXEC)
    try:
        actions = [(os.POSIX_SPAWN_DUP2, out, 1), (os.POSIX_SPAWN_DUP2, err, 2)]
        if stdin is not None:
            actions.insert(0, (os.POSIX_SPAWN_DUP2, stdin, 0))
        program = which(argv[0], env.get("PATH"))
        if program is None:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), argv[0])
        restore_child_signal()
        pid = os.posix_spawn(program, argv, env, file_actions=actions,
                             setsigdef=_DEFAULT_SIGNALS)  # fmt: skip
    except BaseException:
        os.close(out)
        os.close(err)
        raise
    return pid, (out, err)


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


def which(name: str, path: str | None = None) -> str | None:
    """shutil.which(name, path=path) for a bare name or a path: the first executable,
    non-directory file on `path` (None: $PATH, or os.defpath when unset; empty: nowhere),
    or None."""
    if os.sep in name:
        return name if _executable(name) else None
    if path is None:
        path = os.environ.get("PATH", os.defpath)
    if not path:
        return None
    for directory in path.split(os.pathsep):
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
