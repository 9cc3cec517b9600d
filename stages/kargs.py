"""The kargs stage (see ignition_py.kargs_plan)."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.stage import PLANNERS, Action, StageContext


@PLANNERS.register("kargs")
def plan_kargs(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.kargs_plan import plan_kargs

    return plan_kargs(config, context)
