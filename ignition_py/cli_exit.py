"""How every command line ends when its surroundings go away: a reader that closed the
pipe (`ignition-validate big.ign | head -1`) or Ctrl-C. Never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Protocol
else:
    from .typecheck import Protocol


class Main(Protocol):
    def __call__(self, argv: Sequence[str] | None = None) -> int: ...


EXIT_BROKEN_PIPE = 128 + 13  # as a Go program killed by SIGPIPE
EXIT_INTERRUPTED = 128 + 2


def guarded(main: Main) -> Main:
    """``main`` with a closed stdout ending it quietly (exit 141, like Go's SIGPIPE) and an
    interrupt ending it with one line on stderr (exit 130)."""

    def run(argv: Sequence[str] | None = None) -> int:
        try:
            status = main(argv)
            _flush(raising=True)  # the log's last lines (log.Logger writes stdout in batches)
            return status
        except BrokenPipeError:
            # Python flushes stdout again at exit: point it at /dev/null so that flush
            # cannot fail a second time.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_BROKEN_PIPE
        except KeyboardInterrupt:
            _flush()  # the log's held lines come before what stderr says
            sys.stderr.write("interrupted\n")
            return EXIT_INTERRUPTED
        except BaseException:
            _flush()  # before the traceback or SystemExit's message
            raise

    run.__doc__ = main.__doc__
    return run


def _flush(raising: bool = False) -> None:
    """stdout flushed under the log's lock (its timer's thread may be writing)."""
    from .log import flush_lines

    flush_lines(raising=raising)
