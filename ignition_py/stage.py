"""The contract between the engine and the stages: the options a stage runs with, the
context a planner gets, an action, and the registries the stage modules add themselves to.

A stage that works from the rendered config registers a planner: it reads the host,
decides, and returns actions; the engine applies them (and `ignition-py plan` prints
them). The fetch stages, which produce the config, register a runner instead. This module
sits low (config model, log, registry, state only) so that every layer may import it; the stage
modules under `stages/` only register.
"""

from __future__ import annotations

from collections.abc import Callable

from ignition_py.agent_names import PLANNING
from ignition_py.config.model import Config
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.registry import Registry
from ignition_py.state import State
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Protocol
else:
    from ignition_py.typecheck import Protocol


@frozen_model
class StageOptions:
    """The agent's command line for one stage: -platform, -root, -config-cache, -fetch-timeout
    (seconds), -neednet, -state-file and -log-to-stdout."""

    platform: str
    root: str
    config_cache: str
    fetch_timeout: float
    neednet: str
    state_file: str
    log_to_stdout: bool


@frozen_model
class StageContext:
    """What a planner gets: the stage's options, its logger, and the state file as the stage
    began (upstream's s.State before any action)."""

    options: StageOptions
    log: Logger
    state: State = State()  # as the stage began (upstream's s.State before any action)

    @property
    def root(self) -> Path:
        from pathlib import Path  # the kargs stage never asks, and pathlib costs it

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
PLAN_ORDER = PLANNING
