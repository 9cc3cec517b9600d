"""The mount stage (see ignition_py.disks.mount_plan)."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.stage import PLANNERS, Action, StageContext


@PLANNERS.register("mount")
def plan_mount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_plan import plan_mount

    return plan_mount(config, context)
