"""A system call that fails where no action expected it (EIO, ENOSPC, a device gone) fails
the stage with the kernel's words and exit 1, never a traceback."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from ignition_py.config.model import Config
from ignition_py.engine import run_stage
from ignition_py.log import Logger
from ignition_py.stage import PLANNERS, Action, StageContext, StageOptions


class _ReadsABadDisk:
    def describe(self) -> str:
        return "reading a disk that fails"

    def apply(self, log: Logger) -> None:
        raise OSError(errno.EIO, "Input/output error", "/dev/vdz")


def _plan(config: Config, context: StageContext) -> list[Action]:
    return [_ReadsABadDisk()]


def test_an_unexpected_oserror_fails_the_stage_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # registered for this test only: other tests compare the registry with upstream's stages
    monkeypatch.setitem(PLANNERS._entries, "test-unexpected-oserror", _plan)
    cache = tmp_path / "ignition.json"
    cache.write_text('{"ignition": {"version": "3.6.0"}}')
    options = StageOptions(
        platform="file",
        root=str(tmp_path / "root"),
        config_cache=str(cache),
        fetch_timeout=10.0,
        neednet=str(tmp_path / "neednet"),
        state_file=str(tmp_path / "state"),
        log_to_stdout=True,
    )
    assert run_stage("test-unexpected-oserror", options) == 1
    output = capsys.readouterr()
    assert "Input/output error (/dev/vdz)" in output.out + output.err
    assert "Traceback" not in output.out + output.err
