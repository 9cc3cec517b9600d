"""Lines logged to stdout are written in batches (log.Logger), yet none is held back while
the agent waits: before a tool runs, before an HTTP request, before the files stage's
sync, and at exit, stdout has every line logged so far. Each check runs the project's code
in a child interpreter whose stdout is a file, and looks at that file from the tool, the
server or the child itself at the moment it matters."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

ROOT = Path(__file__).resolve().parents[2]


# stdout buffered as at boot, whatever the calling shell sets
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _child(code: str, stdout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (the source tree importable) with stdout as the
    file `stdout`; argv[1:] are `args`."""
    program = "import sys\nsys.path.insert(0, sys.argv.pop(1))\n" + textwrap.dedent(code)
    with stdout.open("w") as out:
        return subprocess.run(
            [sys.executable, "-c", program, str(ROOT), *args],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
            env=ENVIRONMENT,
        )


def test_info_lines_wait_in_the_buffer_until_a_flush(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("files")
        log.flush_lines()
        logger.info("held")
        sys.stderr.write("before flush: " + repr(open(sys.argv[1]).read()) + "\\n")
        log.flush_lines()
        sys.stderr.write("after flush: " + repr(open(sys.argv[1]).read()) + "\\n")
        """,
        out,
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "before flush: ''" in done.stderr
    assert "after flush: 'INFO     : files: held\\n'" in done.stderr


def test_a_warning_or_worse_is_written_at_once(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("disks")
        log.flush_lines()
        logger.info("first")
        logger.warning("careful")
        sys.stderr.write(repr(open(sys.argv[1]).read()) + "\\n")
        logger.error("broken")
        sys.stderr.write(repr(open(sys.argv[1]).read()) + "\\n")
        """,
        out,
        str(out),
    )
    assert done.returncode == 0, done.stderr
    seen = done.stderr.splitlines()
    assert seen[0] == repr("INFO     : disks: first\nWARNING  : disks: careful\n")
    assert seen[1].endswith(repr("ERROR    : disks: broken\n")[1:])


def test_every_line_is_on_stdout_before_a_tool_runs(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        from ignition_py.system import commands
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("files")
        for number in range(5):
            logger.info(f"line {number}")
        seen = commands.run(["cat", sys.argv[1]])
        sys.stderr.write(seen.stdout)
        """,
        out,
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "INFO     : files: line 4" in done.stderr


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]]
    stdout: ClassVar[Path]

    def do_GET(self) -> None:
        type(self).seen.append(self.stdout.read_text())
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder(tmp_path: Path) -> Iterator[tuple[str, type[_Recorder]]]:
    handler = type("Recorder", (_Recorder,), {"seen": [], "stdout": tmp_path / "stdout"})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/config.ign", handler
    finally:
        server.shutdown()
        server.server_close()


def test_every_line_is_on_stdout_when_a_request_is_sent(
    tmp_path: Path, recorder: tuple[str, type[_Recorder]]
) -> None:
    url, handler = recorder
    done = _child(
        """
        from ignition_py import log
        from ignition_py.resources.fetcher import Fetcher
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("fetch")
        logger.info("about to fetch")
        Fetcher(logger).fetch_bytes(sys.argv[1])
        """,
        tmp_path / "stdout",
        url,
    )
    assert done.returncode == 0, done.stderr
    assert len(handler.seen) == 1
    assert "INFO     : fetch: about to fetch\n" in handler.seen[0]
    assert f"GET {url}: attempt #1" in handler.seen[0]


def test_every_line_is_on_stdout_before_the_files_stage_syncs(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        from ignition_py.files import sync
        from ignition_py.files.write_context import WriteContext
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("files")
        log.flush_lines()
        logger.info("written")
        seen = []
        sync.sync_filesystems = lambda: seen.append(open(sys.argv[1]).read())
        sync.SyncAction(ctx=WriteContext.at(sys.argv[2])).apply(logger)
        sys.stderr.write(repr(seen) + "\\n")
        """,
        out,
        str(out),
        str(tmp_path),
    )
    assert done.returncode == 0, done.stderr
    assert "INFO     : files: written" in done.stderr


def test_lines_still_buffered_at_exit_reach_stdout(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        from ignition_py.cli_exit import guarded
        log.FLUSH_SECONDS = 3600

        @guarded
        def main(argv):
            logger = log.Logger("files")
            for number in range(3):
                logger.info(f"line {number}")
            return 0

        sys.exit(main([]))
        """,
        out,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines()[-1] == "INFO     : files: line 2"


def test_a_closed_stdout_with_lines_buffered_ends_quietly(tmp_path: Path) -> None:
    program = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from ignition_py import log
        from ignition_py.cli_exit import guarded
        log.FLUSH_SECONDS = 3600

        @guarded
        def main(argv):
            sys.stdin.read()  # until the reader has gone
            logger = log.Logger("files")
            log.flush_lines()  # fails quietly: the line below waits in the buffer
            logger.info("nobody reads this")
            return 0

        sys.exit(main([]))
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", program, str(ROOT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENVIRONMENT,
    )
    assert child.stdout is not None and child.stdin is not None
    child.stdout.close()
    _, err = child.communicate(b"", timeout=60)
    assert child.returncode == 141, err
    assert b"Traceback" not in err and b"Broken pipe" not in err


def test_a_pause_writes_the_held_lines_before_it_sleeps(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        import threading
        import time
        from ignition_py import log
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("fetch")
        log.flush_lines()
        logger.info("retrying soon")
        seen = []
        time.sleep = lambda seconds: seen.append(open(sys.argv[1]).read())
        log.pause(0.5)
        event = threading.Event()
        event.wait = lambda seconds: seen.append(open(sys.argv[1]).read()) or False
        logger.info("waiting for a device")
        log.pause(1.0, event)
        sys.stderr.write(repr(seen) + "\\n")
        """,
        out,
        str(out),
    )
    assert done.returncode == 0, done.stderr
    expected = ["INFO     : fetch: retrying soon\n"]
    expected.append(expected[0] + "INFO     : fetch: waiting for a device\n")
    assert done.stderr.strip() == repr(expected)
