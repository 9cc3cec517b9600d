"""The kargs stage calls the distribution's `ignition-kargs-helper` exactly as Go
Ignition 2.14 does (same arguments, same order), and only when there are arguments. The
helper here records its arguments: it stands for the distribution's script, which
Debian ships as a stub that always fails."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.oracles import DEBIAN

from .support import run_go, run_ours, work_dir

KARGS = {"shouldExist": ["quiet", "console=ttyS0,115200", "a=b c"], "shouldNotExist": ["rhgb"]}


def helper(directory: Path, record: Path, status: int = 0) -> dict[str, str]:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "ignition-kargs-helper"
    script.write_text(
        f'#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done >> {record}\n'
        f'echo "helper says no" >&2\nexit {status}\n'
    )
    script.chmod(0o755)
    return {"PATH": f"{directory}:{os.environ.get('PATH', '/usr/bin:/bin')}"}


def kargs_run(
    run: Any, kargs: dict[str, Any] | None, work: Path, status: int = 0
) -> tuple[int, str, str]:
    config: dict[str, Any] = {"ignition": {"version": "3.3.0"}}
    if kargs is not None:
        config["kernelArguments"] = kargs
    record = work / "record"
    env = helper(work / "bin", record, status)
    done = run(config, work / "root", work / "scratch", stage="kargs", env=env)
    return done.returncode, record.read_text() if record.exists() else "", done.output


def test_helper_gets_every_argument_in_order() -> None:
    with work_dir() as work:
        status, recorded, output = kargs_run(run_ours, KARGS, work)
    assert status == 0, output
    assert recorded.splitlines() == [
        "--should-exist", "quiet", "--should-exist", "console=ttyS0,115200",
        "--should-exist", "a=b c", "--should-not-exist", "rhgb",
    ]  # fmt: skip


def test_no_arguments_no_call() -> None:
    with work_dir() as work:
        assert kargs_run(run_ours, None, work)[:2] == (0, "")
    with work_dir() as work:
        assert kargs_run(run_ours, {"shouldExist": []}, work)[:2] == (0, "")


def test_helper_failure_fails_the_stage_and_says_why() -> None:
    with work_dir() as work:
        status, _, output = kargs_run(run_ours, KARGS, work, status=3)
    assert status == 1
    assert "ignition-kargs-helper --should-exist quiet" in output
    assert "exited with code 3: helper says no" in output


@pytest.mark.oracle
@pytest.mark.skipif(not DEBIAN.agent.exists(), reason="Go Ignition 2.14 absent: no oracle")
@pytest.mark.parametrize(
    "kargs", [KARGS, {"shouldNotExist": ["x"]}, None], ids=["both", "not", "none"]
)
@pytest.mark.parametrize("status", [0, 1])
def test_same_call_and_status_as_go(kargs: dict[str, Any] | None, status: int) -> None:
    with work_dir() as work:
        ours = kargs_run(run_ours, kargs, work / "ours", status)
    with work_dir() as work:
        go = kargs_run(run_go, kargs, work / "go", status)
    assert ours[:2] == go[:2], (ours[2], go[2])
