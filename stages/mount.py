"""The mount stage: every filesystem with a path, mounted under the root, shallowest
first; mount points are created 0755 and recorded for the files stage. The plan decides
each mount argv and checks that `mount` is on PATH before the first mount."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.stage import PLANNERS, Action, StageContext


@frozen_model
class MountFilesystem:
    argv: tuple[str, ...]  # the mount command, target last
    root: str
    target: str
    state_file: str
    file_contexts: str | None = None  # the target's SELinux policy: label what is made

    def describe(self) -> str:
        import shlex

        return f"mounting at {self.target}: {shlex.join(self.argv)}"

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

        created = mounts.mount(self.argv, self.root, self.target, log, label)
        if created:
            update_state(self.state_file, lambda state: state.with_notated(tuple(created)))


@PLANNERS.register("mount")
def plan_mount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_rules import mount_argv, mountable, target_path
    from ignition_py.files.relabel import policy_file_contexts
    from ignition_py.plan_tools import check_tools

    root, state = context.options.root, context.options.state_file
    chosen = mountable(config)
    if not chosen:
        return []
    assert config.storage is not None
    first = list(config.storage.filesystems).index(chosen[0])
    check_tools({"mount": f"$.storage.filesystems.{first}.path"})
    found = policy_file_contexts(context.root)
    contexts = str(found) if found is not None else None
    if contexts is not None:
        from ignition_py.system.selinux import require_setfiles

        require_setfiles()  # before the first mount point is made
    actions: list[Action] = []
    for fs in chosen:
        target = target_path(root, fs.path or "/")
        argv = tuple(mount_argv(fs, target))
        actions.append(MountFilesystem(argv, root, target, state, contexts))
    return actions
