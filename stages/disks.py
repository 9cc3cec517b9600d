"""The disks stage: partitions, RAID arrays, LUKS volumes and filesystems, in upstream's
order. The plan (ignition_py.disks.plan) decides against the host through read-only
probes; its actions apply the decisions through ignition_py.system."""

from __future__ import annotations

from ignition_py.config.model import Config, Storage
from ignition_py.stage import PLANNERS, Action, StageContext


@PLANNERS.register("disks")
def plan_disks(config: Config, context: StageContext) -> list[Action]:
    storage = config.storage or Storage()
    if not (storage.disks or storage.raid or storage.luks or storage.filesystems):
        return []
    from ignition_py.disks.plan import plan_storage
    from ignition_py.system.disk_probe import HostProbe

    return list(
        plan_storage(
            storage,
            config.ignition,
            platform=context.options.platform,
            state_file=context.options.state_file,
            probe=HostProbe(context.log),
            log=context.log,
        )
    )
