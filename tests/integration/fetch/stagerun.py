"""The fetch tests' runs of the real `ignition` command (ours or Go's) for one stage,
isolated (testkit.stagerun): its own system config dir, kernel command line, cache,
neednet and state."""

from __future__ import annotations

from pathlib import Path

from testkit.agents import OURS
from testkit.stagerun import Outcome as StageRun
from testkit.stagerun import run_stages

__all__ = ["OURS", "StageRun", "run_stage"]


def run_stage(
    work: Path,
    stage: str,
    platform: str = "file",
    *,
    config: bytes | None = None,
    cmdline: str = "",
    env: dict[str, str] | None = None,
    agent: Path = OURS,
    prefix: list[str] | None = None,
    fetch_timeout: str = "10s",
    timeout: float = 120,
) -> StageRun:
    """``stage`` alone (no fetch after a fetch-offline that needs the network), with
    ``config`` as the file platform's user config and ``cmdline`` as the kernel's."""
    return run_stages(
        agent, work, [stage], platform=platform, user_config=config, cmdline=cmdline, env=env,
        prefix=prefix or (), fetch_timeout=fetch_timeout, timeout=timeout,
        fetch_when_neednet=False,
    )  # fmt: skip
