"""The disks stage loads the kernel modules of the filesystems the mount stage will mount
while it works, so that the first mount of each type does not wait for one (xfs: 0.9 s
under emulation). A module the kernel would load at mount time anyway; the stage waits
for each load before it ends and ignores its outcome: the mount says what went wrong, as
it would have without this. Upstream loads each module at the mount. When an action
between the two fails, the loads are not waited for: they end on their own and are
reaped with the stage's process."""

from __future__ import annotations

from collections.abc import Sequence

from ..config.model import Config
from ..frozen import frozen_model
from ..log import Logger
from ..stage import Action
from ..system.commands import Started


class ModuleLoads:
    """The loads StartModuleLoads started, for AwaitModuleLoads: one per planned stage run."""

    __slots__ = ("started",)

    def __init__(self) -> None:
        self.started: list[Started] = []


@frozen_model
class StartModuleLoads:
    formats: tuple[str, ...]
    loads: ModuleLoads

    def describe(self) -> str:
        names = ", ".join(self.formats)
        return f"starting to load the kernel modules of {names} for the mount stage"

    def apply(self, log: Logger) -> None:
        from ..system.filesystem_modules import start_loading

        self.loads.started = start_loading(self.formats, log)


@frozen_model
class AwaitModuleLoads:
    formats: tuple[str, ...]
    loads: ModuleLoads

    def describe(self) -> str:
        return f"waiting for the kernel modules of {', '.join(self.formats)}"

    def apply(self, log: Logger) -> None:
        started, self.loads.started = self.loads.started, []
        for load in started:
            try:
                done = load.wait()
            except ChildProcessError as err:  # reaped elsewhere: nothing to say of it
                log.info(f"{' '.join(load.args)}: {err.strerror or err}")
                continue
            if done.returncode != 0:
                said = (done.stderr or done.stdout).strip()
                shown = f"{' '.join(done.args)} exited {done.returncode}"
                log.info(f"{shown}: {said}" if said else shown)


def with_module_loads(config: Config, actions: Sequence[Action]) -> list[Action]:
    """`actions` (the disks stage's, when any) between a StartModuleLoads and an
    AwaitModuleLoads for the types of the config's mountable filesystems that the kernel
    does not know yet; `actions` unchanged when there are none."""
    from ..system.filesystem_modules import unregistered
    from .mount_rules import mountable

    if not actions:
        return []
    formats = unregistered([fs.format or "" for fs in mountable(config)])
    if not formats:
        return list(actions)
    loads = ModuleLoads()
    names = tuple(formats)
    return [StartModuleLoads(names, loads), *actions, AwaitModuleLoads(names, loads)]
