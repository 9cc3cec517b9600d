"""The stages upstream runs one process each: fetch-offline, fetch, kargs, disks, mount,
files, umount.

A stage that works from the rendered config registers a planner: it reads the host,
decides, and returns actions; the engine applies them (and `ignition-py plan` prints
them). The fetch stages, which produce the config, register a runner instead. Stage
modules keep heavy imports (pyparted, pyudev, requests) inside functions: every stage is
its own process at boot.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ignition_py.config.model import Config
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.registry import Registry


@frozen_model
class StageOptions:
    platform: str
    root: str
    config_cache: str
    fetch_timeout: float
    neednet: str
    state_file: str
    log_to_stdout: bool


@frozen_model
class StageContext:
    options: StageOptions
    log: Logger

    @property
    def root(self) -> Path:
        return Path(self.options.root)


class Action(Protocol):
    """One step of a stage: printable before it is done, and then done."""

    def describe(self) -> str: ...

    def apply(self, log: Logger) -> None: ...


Planner = Callable[[Config, StageContext], list[Action]]
StageRunner = Callable[[StageOptions], int]

# Stages that plan from the rendered config, in the order a boot runs them.
PLANNERS: Registry[Planner] = Registry("stage")
# Stages that acquire the config (fetch-offline, fetch).
RUNNERS: Registry[StageRunner] = Registry("stage")
PLAN_ORDER = ("kargs", "disks", "mount", "files", "umount")
