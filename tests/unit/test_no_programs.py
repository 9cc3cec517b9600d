"""The unit tier's guard (tests/unit/conftest.py) refuses every way to run a program."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.unit.conftest import SubprocessInUnitTest


def test_subprocess_run_is_refused() -> None:
    with pytest.raises(SubprocessInUnitTest, match="unit tests run no program"):
        subprocess.run(["true"], check=False)


def test_popen_is_refused() -> None:
    with pytest.raises(SubprocessInUnitTest):
        subprocess.Popen(["true"])


@pytest.mark.parametrize("name", ["execv", "execvp", "posix_spawn", "system"])
def test_os_exec_and_spawn_are_refused(name: str) -> None:
    with pytest.raises(SubprocessInUnitTest):
        getattr(os, name)("/bin/true", ["true"])


def test_the_system_layer_cannot_reach_a_tool() -> None:
    from ignition_py.system.commands import run

    with pytest.raises(SubprocessInUnitTest):
        run(["blkid", "--probe", "/dev/null"])


def test_the_oracle_validator_is_let_through() -> None:
    from tests.oracles import UPSTREAM

    if not UPSTREAM.validate.exists():
        print(f"skipped: {UPSTREAM.validate} is not installed")
        pytest.skip(f"{UPSTREAM.validate} is not installed")
    done = subprocess.run([str(UPSTREAM.validate), "-"], input=b"{}", capture_output=True)
    assert done.returncode != 0 and done.stdout + done.stderr
