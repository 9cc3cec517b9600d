"""`/etc/crypttab` lines for `storage.luks` and the key files the disks stage kept for
them (`/etc/luks/NAME`, 0600, in a 0700 directory), as upstream writes them:

    NAME UUID=<luksUUID> /etc/luks/NAME|none luks[,_netdev]

Clevis-bound volumes have no key file (`none`); `_netdev` when they need the network.
Neither `discard` nor the open options appear: the disks stage opened the volume with
`--persistent`, so they live in the LUKS2 header, as upstream keeps them.
Every other volume must have its key in the state the disks stage left, or the stage
fails as v2.26.0's does, but before anything is written. The plan decides the lines'
shape and the key files; applying only asks each device its LUKS UUID, then writes. The
keys are removed from the state file once written.
"""

from __future__ import annotations

import base64

from ..config.model import Directory, File, Luks, Resource, uses_clevis
from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from ..state import State, update_state
from ..system.luks import luks_uuid
from .entries import DirectoryAction, FileAction
from .write_context import WriteContext

CRYPTTAB = "/etc/crypttab"
KEY_DIR = "/etc/luks"
SECRET_MODE = 0o600


def crypttab_options(luks: Luks) -> str:
    clevis = luks.clevis
    custom = clevis.custom if clevis is not None else None
    if clevis is not None and (
        clevis.tang or (custom is not None and custom.pin and custom.needs_network)
    ):
        return "luks,_netdev"
    return "luks"


@frozen_model
class CrypttabEntry:
    """One volume's crypttab line, all but the UUID, which only the formatted device knows."""

    name: str
    device: str
    key_file: str  # KEY_DIR/NAME, or "none"
    options: str

    def line(self, uuid: str) -> str:
        return f"{self.name} UUID={uuid} {self.key_file} {self.options}\n"


def _entry(luks: Luks, key_file: str) -> CrypttabEntry:
    return CrypttabEntry(luks.name, luks.device or "", key_file, crypttab_options(luks))


def crypttab_line(luks: Luks, uuid: str, key_file: str) -> str:
    return _entry(luks, key_file).line(uuid)


def _data_url(text: str) -> str:
    return "data:;base64," + base64.b64encode(text.encode()).decode()


def plan_crypttab(
    ctx: WriteContext, volumes: tuple[Luks, ...], state: State, state_file: str
) -> CrypttabAction:
    """The crypttab action for `volumes` (non-empty): "none" for a clevis-bound volume,
    else a key file under /etc/luks (0600) holding the key the disks stage left in `state`
    (as the stage began); the keys are dropped from the state file once written (upstream
    sets LuksPersistKeyFiles to nil). Raises IgnitionError with v2.26.0's message for a
    volume without clevis whose key the state lacks."""
    keys = state.luks_keys
    entries: list[CrypttabEntry] = []
    key_files: list[File] = []
    for luks in volumes:
        key_file = "none"
        if not uses_clevis(luks):
            if luks.name not in keys:
                raise IgnitionError(
                    f"creating crypttab entries: missing persisted keyfile for {luks.name}"
                )
            key_file = f"{KEY_DIR}/{luks.name}"
            source = Resource(source=keys[luks.name])
            key_files.append(File(path=key_file, mode=SECRET_MODE, contents=source))
        entries.append(_entry(luks, key_file))
    drop_keys = state.luks_persist_key_files is not None
    return CrypttabAction(ctx, tuple(entries), tuple(key_files), state_file, drop_keys)


@frozen_model
class CrypttabAction:
    ctx: WriteContext
    entries: tuple[CrypttabEntry, ...]
    key_files: tuple[File, ...]
    state_file: str
    drop_keys: bool

    def describe(self) -> str:
        names = ", ".join(entry.name for entry in self.entries)
        return f"writing {CRYPTTAB} entries and key files for {names}"

    def apply(self, log: Logger) -> None:
        lines = tuple(
            Resource(source=_data_url(entry.line(luks_uuid(entry.device, log))))
            for entry in self.entries
        )
        ctx = self.ctx
        steps: list[DirectoryAction | FileAction] = [
            FileAction(ctx, node, ctx.path(node.path)) for node in self.key_files
        ]
        key_dir = ctx.path(KEY_DIR)
        # checked now, as upstream: an earlier action of this stage may have made it
        if steps and not key_dir.exists():
            steps.insert(0, DirectoryAction(ctx, Directory(path=KEY_DIR, mode=0o700), key_dir))
        crypttab = File(path=CRYPTTAB, mode=SECRET_MODE, append=lines)
        steps.append(FileAction(ctx, crypttab, ctx.path(CRYPTTAB)))
        for step in steps:
            with log.op(step.describe()):
                step.apply(log)
        if self.drop_keys:
            update_state(self.state_file, lambda state: state.without_luks_keys())
