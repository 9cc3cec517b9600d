"""The files stage's last action: one sync of the filesystems under the root (the root's own and
those mounted under it), instead of an fsync per file (~0.5 ms each). Upstream syncs
nothing; a stage that returns has its writes on the disks here, renames included."""

from __future__ import annotations

from ..frozen import frozen_model
from ..log import Logger
from ..system.fs_writes import sync_filesystems
from .write_context import WriteContext, os_failure


@frozen_model
class SyncAction:
    ctx: WriteContext

    def describe(self) -> str:
        return f'syncing the filesystems under "{self.ctx.root}"'

    def apply(self, log: Logger) -> None:
        try:
            sync_filesystems()
        except OSError as err:
            raise os_failure("failed to sync the root's filesystems", err) from err
