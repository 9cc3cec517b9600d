"""The files-stage tests' runs: an agent's own fetch-offline (then fetch, if it says the
network is needed) on the raw config and then the stage, as at boot, through the one stage
runner (testkit.stagerun); root trees and snapshots from testkit.trees."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from testkit.agents import DEBIAN, OURS
from testkit.stagerun import Outcome as Run
from testkit.stagerun import run_stages
from testkit.trees import Node, make_root, snapshot, work_dir

__all__ = [
    "NOT_ROOT", "OURS", "Node", "Run", "make_root", "run_agent", "run_go", "run_ours",
    "snapshot", "work_dir",
]  # fmt: skip

NOT_ROOT = "needs root (chown, useradd --root, root trees owned by other users)"
if os.geteuid() != 0:
    print(f"skipping files stage integration tests: {NOT_ROOT}")


def run_agent(
    agent: Path,
    config: dict[str, Any],
    root: Path,
    scratch: Path,
    *,
    stage: str = "files",
    env: dict[str, str] | None = None,
    state: dict[str, Any] | None = None,
    prefix: Sequence[str] = (),
    own_setfiles: bool = False,
) -> Run:
    """`AGENT -platform file -stage fetch-offline` on the raw config, then `-stage STAGE
    -root ROOT`: each agent parses and translates the config itself, so translation
    differences show. ``scratch`` is the run's work directory (stagerun.run_stages)."""
    return run_stages(
        agent, scratch, ["fetch-offline", stage], root=root,
        user_config=config, state=state, env=env, prefix=prefix, own_setfiles=own_setfiles,
    )  # fmt: skip


def run_ours(config: dict[str, Any], root: Path, scratch: Path, **kwargs: Any) -> Run:
    return run_agent(OURS, config, root, scratch, **kwargs)


def run_go(
    config: dict[str, Any], root: Path, scratch: Path, agent: Path = DEBIAN.agent, **kwargs: Any
) -> Run:
    """An upstream agent (Go 2.14 unless ``agent`` says otherwise); the runner puts a no-op
    setfiles first on its PATH."""
    return run_agent(agent, config, root, scratch, **kwargs)
