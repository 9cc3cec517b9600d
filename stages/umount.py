"""The umount stage: the filesystems the mount stage mounted, deepest first."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.stage import PLANNERS, Action, StageContext


@frozen_model
class UnmountFilesystem:
    target: str

    def describe(self) -> str:
        return f"umounting {self.target}"

    def apply(self, log: Logger) -> None:
        from ignition_py.system import mounts

        mounts.unmount(self.target, log)


@PLANNERS.register("umount")
def plan_umount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_rules import target_path, unmount_order
    from ignition_py.plan_tools import check_tools

    root = context.options.root
    chosen = unmount_order(config)
    if chosen:
        assert config.storage is not None
        last = list(config.storage.filesystems).index(chosen[-1])
        check_tools({"umount": f"$.storage.filesystems.{last}.path"})
    return [UnmountFilesystem(target_path(root, fs.path or "/")) for fs in chosen]
