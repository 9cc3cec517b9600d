"""The disks stage: partitions, RAID arrays, LUKS volumes and filesystems, in upstream's
order (see ignition_py.disks.plan)."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.stage import PLANNERS, Action, StageContext


@PLANNERS.register("disks")
def plan_disks(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.plan import plan_disks

    return list(plan_disks(config, context))
