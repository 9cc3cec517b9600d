"""Lines logged to stdout are written in batches (log.Logger): an info line waits in
stdout's buffer until a timer writes it FLUSH_SECONDS later (also while the agent waits
for a tool), a warning takes the held lines with it at once, and at exit, on an interrupt
and before a fork every held line is written, once. Each check runs the project's code
in a child interpreter whose stdout is a file, and reads that file when it matters."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# stdout buffered as at boot, whatever the calling shell sets
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
PRELUDE = "import sys\nsys.path.insert(0, sys.argv.pop(1))\n"


def _guarded(body: str, *, flush_seconds: float = 3600, leave: str = "sys.exit") -> str:
    """A program whose main, wrapped in cli_exit.guarded, runs `body` with
    log.FLUSH_SECONDS set to `flush_seconds`, and ends with `leave(main([]))`."""
    inner = textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
    return (
        "import os\nimport threading\nimport time\nfrom ignition_py import log\n"
        f"from ignition_py.cli_exit import guarded\nlog.FLUSH_SECONDS = {flush_seconds}\n\n"
        f"@guarded\ndef main(argv):\n{inner}\n\n{leave}(main([]))\n"
    )


def _child(
    code: str, stdout: Path, *args: str, stderr_too: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (the source tree importable) with stdout as the
    file `stdout` (and stderr too with `stderr_too`); argv[1:] are `args`."""
    program = PRELUDE + textwrap.dedent(code)
    with stdout.open("w") as out:
        return subprocess.run(
            [sys.executable, "-c", program, str(ROOT), *args],
            stdout=out,
            stderr=out if stderr_too else subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
            env=ENVIRONMENT,
        )


def test_an_info_line_waits_in_the_buffer_until_it_is_written(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("files")
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


def test_a_held_line_is_written_soon_even_while_a_tool_runs(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        from ignition_py.system import commands
        logger = log.Logger("files")
        logger.info("before the tool")
        # the tool looks at our stdout for up to 10 s while we wait for it
        script = 'for i in $(seq 100); do grep -q tool "$1" && break; sleep 0.1; done; cat "$1"'
        seen = commands.run(["sh", "-c", script, "sh", sys.argv[1]])
        sys.stderr.write(seen.stdout)
        """,
        out,
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "INFO     : files: before the tool" in done.stderr


def test_a_warning_or_worse_is_written_at_once_with_what_is_held(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        from ignition_py import log
        log.FLUSH_SECONDS = 3600
        logger = log.Logger("disks")
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


def test_lines_still_held_when_main_returns_are_written(tmp_path: Path) -> None:
    out = tmp_path / "stdout"
    body = """
        logger = log.Logger("files")
        for number in range(3):
            logger.info(f"line {number}")
        return 0
    """
    # os._exit: no flush at the interpreter's exit, guarded wrote them
    done = _child(_guarded(body, leave="os._exit"), out)
    assert done.returncode == 0, done.stderr
    assert out.read_text().splitlines() == [f"INFO     : files: line {n}" for n in range(3)]


def test_held_lines_come_before_the_interrupt_line(tmp_path: Path) -> None:
    out = tmp_path / "output"
    body = """
        log.Logger("files").info("working")
        raise KeyboardInterrupt
    """
    done = _child(_guarded(body), out, stderr_too=True)
    assert done.returncode == 130
    assert out.read_text() == "INFO     : files: working\ninterrupted\n"


def test_a_fork_writes_the_held_lines_once_and_the_child_gets_its_own_timer(
    tmp_path: Path,
) -> None:
    out = tmp_path / "stdout"
    done = _child(
        """
        import os
        import time
        from ignition_py import log
        log.FLUSH_SECONDS = 3600  # the parent's line is held when it forks
        logger = log.Logger("files")
        logger.info("parent, before the fork")
        pid = os.fork()
        if pid == 0:
            log.FLUSH_SECONDS = 0.05
            logger.info("child")
            time.sleep(1)  # its timer writes the line meanwhile
            os._exit(0)
        os.waitpid(pid, 0)
        log.flush_lines()
        """,
        out,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_text() == "INFO     : files: parent, before the fork\nINFO     : files: child\n"


def test_a_closed_stdout_with_lines_held_ends_quietly(tmp_path: Path) -> None:
    body = """
        sys.stdin.read()  # until the reader has gone
        log.Logger("files").info("nobody reads this")
        return 0
    """
    _ends_quietly_on_a_closed_stdout(_guarded(body))


def test_lines_from_threads_while_the_timer_writes_come_out_whole_and_once(
    tmp_path: Path,
) -> None:
    out = tmp_path / "stdout"
    body = """
        def lines(name):
            logger = log.Logger(name)
            for number in range(20000):
                logger.info(f"line {number}")

        threads = [threading.Thread(target=lines, args=(f"t{n}",)) for n in range(2)]
        for thread in threads:
            thread.start()
        lines("main")
        for thread in threads:
            thread.join()
        return 0
    """
    # the timer writes while the threads log
    done = _child(_guarded(body, flush_seconds=0.0001, leave="os._exit"), out)
    assert done.returncode == 0, done.stderr
    seen = out.read_text().splitlines()
    for name in ("main", "t0", "t1"):
        mine = [line for line in seen if line.startswith(f"INFO     : {name}: ")]
        assert mine == [f"INFO     : {name}: line {n}" for n in range(20000)]
    assert len(seen) == 60000


def test_a_closed_stdout_found_by_the_timer_still_ends_quietly(tmp_path: Path) -> None:
    body = """
        sys.stdin.read()  # until the reader has gone
        log.Logger("files").info("nobody reads this")
        time.sleep(0.5)  # the timer tries to write it meanwhile, and fails
        log.Logger("files").info("nor this")
        return 0
    """
    _ends_quietly_on_a_closed_stdout(_guarded(body, flush_seconds=0.001))


def _ends_quietly_on_a_closed_stdout(program: str) -> None:
    """`program` (reading stdin to its end first) run with its stdout's reader gone."""
    child = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + program, str(ROOT)],
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


def test_an_interrupted_operation_says_so_on_its_failed_line(tmp_path: Path) -> None:
    out = tmp_path / "output"
    body = """
        with log.Logger("files").op("waiting for a server"):
            raise KeyboardInterrupt
    """
    done = _child(_guarded(body), out, stderr_too=True)
    assert done.returncode == 130
    lines = out.read_text().splitlines()
    assert (
        lines[-2] == "CRITICAL : files: op(1): [failed]   waiting for a server: KeyboardInterrupt"
    )
    assert lines[-1] == "interrupted"


def test_a_closed_descriptor_1_is_no_traceback(tmp_path: Path) -> None:
    body = """
        logger = log.Logger("files")
        logger.info("to nowhere")
        logger.warning("to nowhere either")
        return 0
    """
    program = PRELUDE + _guarded(body)
    shell = 'exec "$0" -c "$1" "$2" >&-'  # the interpreter starts with no descriptor 1
    done = subprocess.run(
        ["sh", "-c", shell, sys.executable, program, str(ROOT)],
        capture_output=True, text=True, timeout=60, env=ENVIRONMENT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
