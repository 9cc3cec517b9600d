"""Logging as upstream Ignition does it: to the journal, or to stdout with
`-log-to-stdout`, each operation bracketed by op(N): [started] / [finished] / [failed].

Nothing secret is ever passed here: callers log paths, sizes and hashes, not contents.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum
from typing import TextIO


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
    def __init__(self, stage: str = "", *, to_stdout: bool = True, stream: TextIO | None = None):
        self.stage = stage
        self._stream = stream
        self._to_stdout = to_stdout
        self._journal_send: object = None
        self._op_count = 0
        if not to_stdout and stream is None:
            try:
                from systemd import journal

                self._journal_send = journal.send
            except ImportError:
                self._to_stdout = True

    def log(self, level: Level, message: str) -> None:
        text = f"{self.stage}: {message}" if self.stage else message
        # A lone surrogate (a file name's undecodable byte, as os.fsdecode keeps it) cannot
        # be encoded: show it escaped rather than fail the stage on a log line.
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
        if self._journal_send is not None and not self._to_stdout:
            send = self._journal_send
            assert callable(send)
            send(text, PRIORITY=int(level), SYSLOG_IDENTIFIER="ignition")
            return
        stream = self._stream or sys.stdout
        stream.write(f"{_LABELS[level]:<9}: {text}\n")
        stream.flush()

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
        """op(N): [started] / [finished], or [failed] with the error, around one step."""
        self._op_count += 1
        number = self._op_count
        self.info(f"op({number:x}): [started]  {description}")
        try:
            yield
        except BaseException as err:
            self.error(f"op({number:x}): [failed]   {description}: {err}")
            raise
        self.info(f"op({number:x}): [finished] {description}")
