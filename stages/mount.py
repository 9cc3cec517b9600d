"""The mount stage: every filesystem with a path, mounted under the root, shallowest
first; mount points are created 0755 and recorded for the files stage."""

from __future__ import annotations

from ignition_py.config.model import Config, Filesystem
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.stages import PLANNERS, Action, StageContext


@frozen_model
class MountFilesystem:
    filesystem: Filesystem
    root: str
    state_file: str

    @property
    def target(self) -> str:
        from ignition_py.disks.mount_rules import target_path

        return target_path(self.root, self.filesystem.path or "/")

    def describe(self) -> str:
        fs = self.filesystem
        options = ",".join(fs.mount_options)
        return (
            f"mounting {fs.device} at {self.target} with type {fs.format} and options {options!r}"
        )

    def apply(self, log: Logger) -> None:
        from ignition_py.state import update_state
        from ignition_py.system import mounts

        created = mounts.mount(self.filesystem, self.root, self.target, log)
        if created:
            update_state(self.state_file, lambda state: state.with_notated(tuple(created)))


@PLANNERS.register("mount")
def plan_mount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_rules import mountable

    root, state = context.options.root, context.options.state_file
    return [MountFilesystem(fs, root, state) for fs in mountable(config)]
