"""system.commands.run starts real programs as subprocess.run did: the child gets its
input on stdin (our stdin when none is given), default SIGPIPE/SIGXFSZ, the C locale
added to the environment; its stdout and stderr come back whole (beyond a pipe's 64 KiB
too), its exit status or the signal that killed it; a program missing from PATH raises
FileNotFoundError; `which` answers as shutil.which."""

from __future__ import annotations

import os
import shutil
import signal
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
