"""The mount and umount stages' plans and actions. mount: every filesystem with a path,
mounted under the root, shallowest first; mount points are created 0755 (labelled when the
root has an SELinux policy) and recorded for the files stage; `mount` must be on PATH
before the first mount. umount: the same filesystems, deepest first."""

from __future__ import annotations

from ..config.model import Config
from ..frozen import frozen_model
from ..log import Logger
from ..stage import Action, StageContext


class LabelsCarried:
    """The mount point an empty filesystem left to label, carried to the next mount's
    labelling (system.mounts.mount): one per planned stage run."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        self.paths: list[str] = []


@frozen_model
class MountFilesystem:
    argv: tuple[str, ...]  # the mount command, target last
    root: str
    target: str
    state_file: str
    file_contexts: str | None = None  # the root's SELinux policy: label what is made
    carried: LabelsCarried | None = None  # shared by the stage's mounts; None: on its own
    last: bool = True  # the stage's last mount (or on its own): nothing carries its label

    def describe(self) -> str:
        import shlex

        return f"mounting at {self.target}: {shlex.join(self.argv)}"

    def apply(self, log: Logger) -> None:
        from ..state import update_state
        from ..system import mounts

        label = None
        if self.file_contexts is not None:
            from pathlib import Path

            from ..system.selinux import setfiles

            contexts, root = Path(self.file_contexts), Path(self.root)

            def label(paths: list[str]) -> None:
                setfiles(root, contexts, [Path(path) for path in paths], log)

        carried = self.carried.paths if self.carried is not None else []
        created, left = mounts.mount(
            self.argv, self.root, self.target, log, label, carried=tuple(carried),
            last=self.last,
        )  # fmt: skip
        try:
            if created:
                update_state(self.state_file, lambda state: state.with_notated(tuple(created)))
        except BaseException:
            if label is not None and left is not None:
                mounts.label_quietly(label, [left], log)  # no later mount will: the stage ends
            raise
        carried[:] = [left] if left is not None else []


@frozen_model
class UnmountFilesystem:
    target: str

    def describe(self) -> str:
        return f"umounting {self.target}"

    def apply(self, log: Logger) -> None:
        from ..system import mounts

        mounts.unmount(self.target, log)


def plan_mount(config: Config, context: StageContext) -> list[Action]:
    """The mount stage's actions, one MountFilesystem per filesystem with a path, in
    upstream's order (shallowest first). Raises IgnitionError (naming the first such
    filesystem's path) when `mount`, or `setfiles` on a root with an SELinux policy, is
    missing: before anything is mounted."""
    from ..files.relabel import policy_file_contexts
    from ..plan_tools import check_tools
    from .mount_rules import mount_argv, mount_point, mountable, target_path

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
        from ..system.selinux import require_setfiles

        require_setfiles()  # before the first mount point is made
    actions: list[Action] = []
    carried = LabelsCarried()
    for number, fs in enumerate(chosen, 1):
        target = target_path(root, mount_point(fs))
        argv = tuple(mount_argv(fs, target))
        last = number == len(chosen)
        actions.append(MountFilesystem(argv, root, target, state, contexts, carried, last))
    return actions


def plan_umount(config: Config, context: StageContext) -> list[Action]:
    """The umount stage's actions, deepest mount first. Raises IgnitionError when `umount`
    is not on PATH and there is anything to unmount."""
    from ..plan_tools import check_tools
    from .mount_rules import mount_point, target_path, unmount_order

    root = context.options.root
    chosen = unmount_order(config)
    if chosen:
        assert config.storage is not None
        last = list(config.storage.filesystems).index(chosen[-1])
        check_tools({"umount": f"$.storage.filesystems.{last}.path"})
    return [UnmountFilesystem(target_path(root, mount_point(fs))) for fs in chosen]
