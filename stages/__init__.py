"""The stages upstream runs one process each: fetch-offline, fetch, kargs, disks, mount,
files, umount. Each module registers a runner under the stage's name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ignition_py.registry import Registry


@dataclass(frozen=True)
class StageOptions:
    platform: str
    root: str
    config_cache: str
    fetch_timeout: float
    neednet: str
    state_file: str
    log_to_stdout: bool


StageRunner = Callable[[StageOptions], int]
STAGES: Registry[StageRunner] = Registry("stage")
