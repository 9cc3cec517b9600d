"""Every command line ends cleanly when its reader closes the pipe or the user presses
Ctrl-C; input that is not text is not taken for YAML; spec 1.x is named for what it is."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _many_errors(tmp_path: Path) -> Path:
    files = [{"path": f"rel/{i}"} for i in range(5000)]
    config = tmp_path / "many.ign"
    config.write_text(json.dumps({"ignition": {"version": "3.4.0"}, "storage": {"files": files}}))
    return config


@pytest.mark.parametrize(
    "argv",
    [["ignition-validate", "{config}"], ["ignition-py", "validate", "{config}"]],
)
def test_a_closed_pipe_ends_quietly(tmp_path: Path, argv: list[str]) -> None:
    config = _many_errors(tmp_path)
    command = [str(BIN / argv[0]), *(a.format(config=config) for a in argv[1:])]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None and producer.stderr is not None
    first = producer.stdout.readline()
    producer.stdout.close()  # the reader goes away, as `| head -1` does
    err = producer.stderr.read().decode()
    assert producer.wait(timeout=60) == 141
    assert first.startswith(b"error at $.storage.files.0.path")
    assert "Traceback" not in err and "Broken pipe" not in err


def test_ctrl_c_ends_with_one_line(tmp_path: Path) -> None:
    # ignition-validate - waits on stdin: interrupt it there
    waiting = subprocess.Popen(
        [str(BIN / "ignition-validate"), "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.0)
    waiting.send_signal(signal.SIGINT)
    _, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 130
    assert err.decode() == "interrupted\n"


def test_a_binary_file_is_not_called_yaml() -> None:
    done = subprocess.run(
        [str(BIN / "ignition-validate"), "/bin/true"], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "YAML" not in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_spec_1_written_as_ignition_version_is_pointed_at_ignition_version_key(
    tmp_path: Path,
) -> None:
    config = tmp_path / "v1.ign"
    config.write_text('{"ignition": {"version": "1.0.0"}}')
    done = subprocess.run(
        [str(BIN / "ignition-validate"), str(config)], capture_output=True, text=True
    )
    assert done.returncode == 1
    assert '`"ignitionVersion": 1` instead' in done.stdout
    assert "ign-converter" not in done.stdout
    config.write_text('{"ignitionVersion": 1}')
    done = subprocess.run(
        [str(BIN / "ignition-validate"), str(config)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
