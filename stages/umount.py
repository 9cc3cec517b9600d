"""The umount stage (see ignition_py.disks.mount_plan)."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.stage import PLANNERS, Action, StageContext


@PLANNERS.register("umount")
def plan_umount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_plan import plan_umount

    return plan_umount(config, context)
