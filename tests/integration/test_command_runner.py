"""system.commands.run starts real programs as subprocess.run did: the child gets its
input on stdin (our stdin when none is given), default SIGPIPE/SIGXFSZ, the C locale
added to the environment; its stdout and stderr come back whole (beyond a pipe's 64 KiB
too), its exit status or the signal that killed it; a program missing from PATH raises
FileNotFoundError; `which` answers as shutil.which."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ignition_py.errors import CommandError
from ignition_py.system.commands import missing_tools, run, which


def test_input_output_and_exit_status() -> None:
    done = run(["sh", "-c", "cat; echo err >&2; exit 3"], stdin=b"given\n", check=False)
    assert (done.returncode, done.stdout, done.stderr) == (3, "given\n", "err\n")
    assert done.args == ["sh", "-c", "cat; echo err >&2; exit 3"]


def test_large_outputs_and_input_come_back_whole() -> None:
    data = os.urandom(300_000).hex().encode()  # 600 KB: many pipe buffers
    done = run(["sh", "-c", "cat; head -c 200000 /dev/zero | tr '\\0' e >&2"], stdin=data)
    assert done.stdout == data.decode() and done.stderr == "e" * 200_000


def test_failure_raises_command_error_with_redacted_argv() -> None:
    with pytest.raises(CommandError) as caught:
        run(["sh", "-c", "echo no >&2; exit 1", "secret-key"], redact=["secret-key"])
    assert "secret-key" not in str(caught.value) and "<redacted>" in str(caught.value)
    assert "no" in str(caught.value)


def test_child_has_default_signals_c_locale_and_our_environment() -> None:
    status = run(["grep", "^SigIgn", "/proc/self/status"]).stdout
    ignored = int(status.split()[1], 16)
    for number in (signal.SIGPIPE, signal.SIGXFSZ):
        assert not ignored & (1 << (number - 1)), f"signal {number} ignored in the child"
    done = run(["sh", "-c", "echo $LC_ALL $LANG $EXTRA"], env={"EXTRA": "x"})
    assert done.stdout == "C C x\n"


def test_killed_by_a_signal_is_a_negative_status() -> None:
    assert run(["sh", "-c", "kill -TERM $$"], check=False).returncode == -signal.SIGTERM


def test_missing_program_raises_file_not_found() -> None:
    with pytest.raises(FileNotFoundError):
        run(["ignition-py-no-such-program"])


def test_which_matches_shutil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runnable, plain, directory = tmp_path / "tool", tmp_path / "data", tmp_path / "dir"
    runnable.write_text("#!/bin/sh\n")
    runnable.chmod(0o755)
    plain.write_text("")
    (directory / "x").mkdir(parents=True)
    monkeypatch.setenv("PATH", f"{tmp_path}:{directory}:/usr/bin:/bin")
    for name in ("tool", "data", "dir", "x", "sh", "no-such", str(runnable), str(plain)):
        assert which(name) == shutil.which(name), name
    assert missing_tools(["sh", "no-such", "tool"]) == ["no-such"]


def _in_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)  # fmt: skip


def test_a_parent_that_ignores_sigchld_still_gets_the_exit_status() -> None:
    done = _in_python(
        "import signal\nsignal.signal(signal.SIGCHLD, signal.SIG_IGN)\n"
        "from ignition_py.system.commands import run\n"
        "print(run(['sh', '-c', 'exit 4'], check=False).returncode, run(['true']).returncode)\n"
    )
    assert done.stdout == "4 0\n", done.stdout + done.stderr


def test_an_interrupted_wait_kills_and_reaps_the_child() -> None:
    done = _in_python(
        "import os, signal\n"
        "def stop(*_): raise KeyboardInterrupt\n"
        "signal.signal(signal.SIGALRM, stop)\nsignal.setitimer(signal.ITIMER_REAL, 0.3)\n"
        "from ignition_py.system.commands import run\n"
        "try:\n    run(['sleep', '30'])\nexcept KeyboardInterrupt:\n    pass\n"
        "try:\n    os.waitpid(-1, os.WNOHANG)\n    print('a child is left')\n"
        "except ChildProcessError:\n    print('no child left')\n"
    )
    assert done.stdout == "no child left\n", done.stdout + done.stderr


def test_a_secret_the_tool_repeats_on_stderr_is_redacted() -> None:
    with pytest.raises(CommandError) as caught:
        run(["sh", "-c", 'echo "invalid field $0" >&2; exit 3', "$6$SECRET:HASH"],
            redact=["$6$SECRET:HASH"])  # fmt: skip
    assert "SECRET" not in str(caught.value), str(caught.value)
    assert "invalid field <redacted>" in str(caught.value)


def test_the_program_is_looked_up_in_the_given_environment(tmp_path: Path) -> None:
    (tmp_path / "only-here").write_text("#!/bin/sh\necho found\n")
    (tmp_path / "only-here").chmod(0o755)
    assert run(["only-here"], env={"PATH": str(tmp_path)}).stdout == "found\n"
    with pytest.raises(FileNotFoundError):
        run(["sh"], env={"PATH": str(tmp_path)})
    assert which("sh", "") is None and shutil.which("sh", path="") is None


def test_a_tool_run_from_another_thread_works_whatever_sigchld_is() -> None:
    """The providers race their sources in threads: a spawn there cannot change signal
    dispositions (signal() is for the main thread) and must still run and be waited for."""
    done = _in_python(
        "import signal, threading\n"
        "from ignition_py.system.commands import restore_child_signal, run\n"
        "results = []\n"
        "def go(): results.append(run(['sh', '-c', 'exit 5'], check=False).returncode)\n"
        "thread = threading.Thread(target=go)\nthread.start()\nthread.join()\n"
        "signal.signal(signal.SIGCHLD, signal.SIG_IGN)\nrestore_child_signal()\n"
        "thread = threading.Thread(target=go)\nthread.start()\nthread.join()\n"
        "print(results)\n"
    )
    assert done.stdout == "[5, 5]\n", done.stdout + done.stderr


def test_a_tool_that_explains_itself_on_stdout_is_heard() -> None:
    """ignition-kargs-helper's stub says why it failed on stdout: the error carries it
    (upstream's shows both streams), with secrets redacted there too; stderr comes first."""
    with pytest.raises(CommandError) as caught:
        run(["sh", "-c", 'echo "not supported ($0)"; exit 1', "hidden"], redact=["hidden"])
    assert str(caught.value).endswith("exited with code 1: not supported (<redacted>) (on stdout)")
    with pytest.raises(CommandError) as caught:
        run(["sh", "-c", "echo out; echo err >&2; exit 3"])
    assert str(caught.value).endswith("exited with code 3: err")
    with pytest.raises(CommandError) as caught:
        run(["sh", "-c", "exit 4"])
    assert str(caught.value).endswith("exited with code 4: (no output on stderr)")


def test_a_started_command_runs_while_we_work_and_waits_for_its_result(tmp_path: Path) -> None:
    from ignition_py.system.commands import start

    gate = tmp_path / "gate"
    started = start(["sh", "-c", f"while [ ! -e {gate} ]; do sleep 0.01; done; "
                                 "cat; echo out; echo err >&2; exit 4"])  # fmt: skip
    gate.touch()  # it is still running: only now can it end
    done = started.wait()
    assert (done.returncode, done.stdout, done.stderr) == (4, "out\n", "err\n")
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)  # reaped


def test_starting_a_missing_program_raises_file_not_found() -> None:
    from ignition_py.system.commands import start

    with pytest.raises(FileNotFoundError):
        start(["no-such-program-anywhere"])
