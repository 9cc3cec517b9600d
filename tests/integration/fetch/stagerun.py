"""Running the real `ignition` command (ours or Go's) for one stage, isolated: its own
system config dir, kernel command line, cache and neednet paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.oracles import DEBIAN

OURS = str(Path(sys.executable).parent / "ignition")
GO_AGENT = DEBIAN.agent


@dataclass
class StageRun:
    returncode: int
    output: str
    cache: Path
    neednet: Path

    @property
    def cached(self) -> dict[str, Any] | None:
        return json.loads(self.cache.read_text()) if self.cache.exists() else None


def run_stage(
    work: Path,
    stage: str,
    platform: str = "file",
    *,
    config: bytes | None = None,
    cmdline: str = "",
    env: dict[str, str] | None = None,
    agent: str = OURS,
    prefix: list[str] | None = None,
    fetch_timeout: str = "10s",
    timeout: float = 120,
) -> StageRun:
    work.mkdir(parents=True, exist_ok=True)
    system = work / "system"
    system.mkdir(exist_ok=True)
    (work / "cmdline").write_text(cmdline + "\n")
    environment = {
        "PATH": os.environ["PATH"],
        "IGNITION_SYSTEM_CONFIG_DIR": str(system),
        "IGNITION_KERNEL_CMDLINE_PATH": str(work / "cmdline"),
        "IGNITION_CONFIG_FILE": str(work / "config.ign"),
    }
    if config is not None:
        (work / "config.ign").write_bytes(config)
    environment.update(env or {})
    cache, neednet = work / "ignition.json", work / "neednet"
    argv = [
        agent, "-platform", platform, "-stage", stage, "-config-cache", str(cache),
        "-neednet", str(neednet), "-fetch-timeout", fetch_timeout, "-log-to-stdout",
    ]  # fmt: skip
    done = subprocess.run(
        [*(prefix or []), *argv],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=work,
    )
    return StageRun(done.returncode, done.stdout + done.stderr, cache, neednet)
