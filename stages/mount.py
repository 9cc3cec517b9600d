"""The mount stage: every filesystem with a path, mounted under the root, shallowest
first; mount points are created 0755 and recorded for the files stage."""

from __future__ import annotations

from ignition_py.config.model import Config, Filesystem
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.stage import PLANNERS, Action, StageContext


@frozen_model
class MountFilesystem:
    filesystem: Filesystem
    root: str
    state_file: str
    file_contexts: str | None = None  # the target's SELinux policy: label what is made

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

        label = None
        if self.file_contexts is not None:
            from pathlib import Path

            from ignition_py.system.selinux import setfiles

            contexts, root = Path(self.file_contexts), Path(self.root)

            def label(path: str) -> None:
                setfiles(root, contexts, [Path(path)], log)

        created = mounts.mount(self.filesystem, self.root, self.target, log, label)
        if created:
            update_state(self.state_file, lambda state: state.with_notated(tuple(created)))


@PLANNERS.register("mount")
def plan_mount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_rules import mountable
    from ignition_py.files.relabel import policy_file_contexts

    root, state = context.options.root, context.options.state_file
    filesystems = mountable(config)
    found = policy_file_contexts(context.root) if filesystems else None
    contexts = str(found) if found is not None else None
    if contexts is not None:
        from ignition_py.system.selinux import require_setfiles

        require_setfiles()  # before the first mount point is made
    return [MountFilesystem(fs, root, state, contexts) for fs in filesystems]
