"""Logging as upstream Ignition does it: to the journal (SYSLOG_IDENTIFIER=ignition, one
syslog priority per line), or to stdout with `-log-to-stdout` or when there is no journal;
each operation bracketed by op(N): [started] / [finished] / [failed].

Lines to stdout are written in batches: an info or debug line waits in stdout's buffer
until a timer (a thread started with the first line held) writes every held line
FLUSH_SECONDS later, a notice or worse is logged (written at once, with what is held),
or the agent exits. Upstream writes each line on its own; 10,000 files make 20,000 lines,
whose writes were a fifth of the files stage's time. The journal gets each line at once.

Nothing secret is ever passed here: callers log paths, sizes and hashes, not contents.
"""

from __future__ import annotations

import _thread
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from enum import IntEnum

from .log_journal import Journal
from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

IDENTIFIER = "ignition"
FLUSH_SECONDS = 0.05  # about this late, a line logged to stdout reaches it
_timer = False  # whether a thread is to write the held lines
# Held by whoever writes to or flushes stdout here: the timer's thread flushes while the
# main thread (or a provider's, racing) writes, and a TextIOWrapper is not thread-safe.
_lock = _thread.allocate_lock()


def flush_lines(*, raising: bool = False) -> None:
    """Write the lines held in stdout's buffer (see the module's docstring) now. Raises
    OSError (a closed stdout: BrokenPipeError) only when `raising`; otherwise that shows
    at the next notice or worse, or at the exit (cli_exit.guarded)."""
    with _lock:
        if raising and sys.stdout is not None:
            sys.stdout.flush()
        else:
            _flush_quietly()


def _flush_quietly() -> None:
    with suppress(OSError, ValueError, AttributeError):  # AttributeError: no sys.stdout
        sys.stdout.flush()


def _write(line: str, now: bool) -> None:
    """`line` to stdout, written `now` or held (see the module's docstring). Raises
    OSError (a closed stdout) when written now."""
    global _timer
    if sys.stdout is None:  # started with descriptor 1 closed: nowhere to write it
        return
    with _lock:
        sys.stdout.write(line)
        if now:
            sys.stdout.flush()
        elif not _timer:
            # _thread, not threading: a stage imports no threading for this (its import
            # costs under emulation); such a thread is not waited for at exit either.
            _thread.start_new_thread(_write_held, ())
            _timer = True


def _write_held() -> None:
    global _timer
    time.sleep(FLUSH_SECONDS)
    with _lock:
        _timer = False
        _flush_quietly()


def _before_fork() -> None:
    # The held lines are written first: a child that flushed its copy of the buffer would
    # write them twice. The lock stays taken across the fork, so that no thread is
    # halfway through a write in the child's copy.
    _lock.acquire()
    _flush_quietly()


def _after_fork_in_child() -> None:
    global _lock, _timer
    _lock = _thread.allocate_lock()
    _timer = False  # a forked child has no timer thread: its first held line starts one


def _after_fork_in_parent() -> None:
    _lock.release()


os.register_at_fork(
    before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child
)


class Level(IntEnum):
    # syslog priorities, as journald takes them
    CRITICAL = 2
    ERROR = 3
    WARNING = 4
    NOTICE = 5
    INFO = 6
    DEBUG = 7


_LABELS = {
    Level.CRITICAL: "CRITICAL",
    Level.ERROR: "ERROR",
    Level.WARNING: "WARNING",
    Level.NOTICE: "NOTICE",
    Level.INFO: "INFO",
    Level.DEBUG: "DEBUG",
}


class Logger:
    """`to_stdout=False` logs to the journal, falling back to stdout (with an error line
    saying why) when no journal socket answers, as upstream falls back from syslog.
    `stream` (tests, `ignition-py plan`) writes upstream's stdout format there instead."""

    def __init__(self, stage: str = "", *, to_stdout: bool = True, stream: TextIO | None = None):
        self.stage = stage
        self._stream = stream
        self._journal: Journal | None = None
        self._records_journal: Journal | bool | None = None if stream is None else False
        self._op_count = 0
        if not to_stdout and stream is None:
            try:
                self._journal = Journal.open()
            except OSError as err:
                self.error(f"unable to open journal: {err.strerror or err}")
            self._records_journal = self._journal

    def log(self, level: Level, message: str) -> None:
        text = f"{self.stage}: {message}" if self.stage else message
        if self._journal is not None:
            fields = {"MESSAGE": text, "PRIORITY": str(int(level)), "SYSLOG_IDENTIFIER": IDENTIFIER}
            try:
                self._journal.send(fields)
                return
            except OSError:
                pass  # journald went away: the line still goes somewhere, to stdout
        # A lone surrogate (a file name's undecodable byte, as os.fsdecode keeps it) cannot
        # be encoded: show it escaped rather than fail the stage on a log line.
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        line = f"{_LABELS[level]:<9}: {text}\n"
        if self._stream is not None:
            self._stream.write(line)
            self._stream.flush()
            return
        _write(line, now=level < Level.INFO)

    def record(self, message: str, fields: Mapping[str, str]) -> bool:
        """A structured journal entry at info priority (upstream's MESSAGE_ID records),
        sent whenever a journal answers, with or without `-log-to-stdout`, as upstream's
        `journal.Send` is. False when there is no journal or it refused the entry."""
        if self._records_journal is None:
            try:
                self._records_journal = Journal.open()
            except OSError:
                self._records_journal = False
        journal = self._records_journal
        if not isinstance(journal, Journal):
            return False
        entry = {"MESSAGE": message, "PRIORITY": str(int(Level.INFO))}
        entry["SYSLOG_IDENTIFIER"] = IDENTIFIER
        try:
            journal.send({**entry, **fields})
        except OSError:
            return False
        return True

    def critical(self, message: str) -> None:
        self.log(Level.CRITICAL, message)

    def error(self, message: str) -> None:
        self.log(Level.ERROR, message)

    def warning(self, message: str) -> None:
        self.log(Level.WARNING, message)

    def notice(self, message: str) -> None:
        self.log(Level.NOTICE, message)

    def info(self, message: str) -> None:
        self.log(Level.INFO, message)

    def debug(self, message: str) -> None:
        self.log(Level.DEBUG, message)

    @contextmanager
    def op(self, description: str) -> Iterator[None]:
        """op(N): [started] / [finished], or [failed] with the error (critical, as upstream's
        logFail), around one step."""
        self._op_count += 1
        number = self._op_count
        self.info(f"op({number:x}): [started]  {description}")
        try:
            yield
        except BaseException as err:
            reason = str(err) or type(err).__name__  # KeyboardInterrupt says nothing
            self.critical(f"op({number:x}): [failed]   {description}: {reason}")
            raise
        self.info(f"op({number:x}): [finished] {description}")
