"""The one stage runner (testkit.stagerun): our stages run in this process give what the
`ignition` command gives on the same inputs, and the environment comes back as it was."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from testkit.agents import OURS
from testkit.stagerun import run_stages
from testkit.trees import make_root, work_dir

RESULT = ("etc/.ignition-result.json",)  # holds the time of the run
CONFIG = {
    "ignition": {"version": "3.4.0"},
    "storage": {
        "files": [{"path": "/etc/motd", "mode": 420, "contents": {"source": "data:,hello%0A"}}],
        "directories": [{"path": "/opt/app", "mode": 488}],
        "links": [{"path": "/etc/app", "target": "/opt/app"}],
    },
    "systemd": {"units": [{"name": "app.service", "enabled": True, "contents": "[Install]\n"
                           "WantedBy=multi-user.target\n"}]},
}  # fmt: skip


@pytest.mark.skipif(os.geteuid() != 0, reason="make_root chowns: needs root")
def test_in_process_run_gives_what_the_command_gives() -> None:
    environment, cwd = dict(os.environ), Path.cwd()
    with work_dir() as work:
        outcomes = []
        for name, in_process in (("command", False), ("in-process", True)):
            root = work / name / "root"
            make_root(root)
            outcomes.append(
                run_stages(
                    OURS, work / name, ["fetch-offline", "files"], root=root,
                    user_config=CONFIG, in_process=in_process,
                )
            )  # fmt: skip
        command, in_process_run = outcomes
        assert command.returncode == in_process_run.returncode == 0, in_process_run.output
        assert "files: files passed" in in_process_run.output
        logs = [run.output.replace(str(run.work), "WORK") for run in outcomes]
        assert logs[0] == logs[1]
        assert command.tree(skip=RESULT) == in_process_run.tree(skip=RESULT)
        assert (in_process_run.root or Path()).joinpath("etc/motd").read_text() == "hello\n"
    assert (dict(os.environ), Path.cwd()) == (environment, cwd)
