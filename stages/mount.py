"""The mount stage: every filesystem with a path, mounted under the root, shallowest
first; mount points are created 0755 and recorded for the files stage. The plan decides
each mount argv and checks that `mount` is on PATH before the first mount."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.frozen import frozen_model
from ignition_py.log import Logger
from ignition_py.stages import PLANNERS, Action, StageContext


@frozen_model
class MountFilesystem:
    argv: tuple[str, ...]  # the mount command, target last
    root: str
    target: str
    state_file: str

    def describe(self) -> str:
        import shlex

        return f"mounting at {self.target}: {shlex.join(self.argv)}"

    def apply(self, log: Logger) -> None:
        from ignition_py.state import load_state, save_state
        from ignition_py.system import mounts

        created = mounts.mount(self.argv, self.root, self.target, log)
        if created:
            state = load_state(self.state_file)
            known = list(state.get("notatedDirectories") or [])
            state["notatedDirectories"] = known + [d for d in created if d not in known]
            save_state(self.state_file, state)


@PLANNERS.register("mount")
def plan_mount(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.disks.mount_rules import mount_argv, mountable, target_path
    from ignition_py.disks.tools import check_tools

    root, state = context.options.root, context.options.state_file
    chosen = mountable(config)
    if not chosen:
        return []
    assert config.storage is not None
    first = list(config.storage.filesystems).index(chosen[0])
    check_tools({"mount": f"$.storage.filesystems.{first}.path"})
    actions: list[Action] = []
    for fs in chosen:
        target = target_path(root, fs.path or "/")
        actions.append(MountFilesystem(tuple(mount_argv(fs, target)), root, target, state))
    return actions
