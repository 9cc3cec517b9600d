"""`/etc/crypttab` lines for `storage.luks` and the key files the disks stage kept for
them (`/etc/luks/NAME`, 0600, in a 0700 directory), as upstream writes them:

    NAME UUID=<luksUUID> /etc/luks/NAME|none luks[,_netdev][,discard][,OPEN-OPTIONS]

Clevis-bound volumes have no key file (`none`); `_netdev` when they need the network.
The key files come from the state file and are removed from it once written.
"""

from __future__ import annotations

import base64

from ..config.model import Directory, File, Luks, Resource
from ..frozen import frozen_model
from ..log import Logger
from ..state import load_state, update_state
from ..system.commands import run
from .entries import DirectoryAction, FileAction
from .target import Target

CRYPTTAB = "/etc/crypttab"
KEY_DIR = "/etc/luks"
SECRET_MODE = 0o600


def crypttab_options(luks: Luks) -> str:
    options = ["luks"]
    clevis = luks.clevis
    if clevis is not None and (
        clevis.tang or (clevis.custom is not None and clevis.custom.needs_network)
    ):
        options.append("_netdev")
    if luks.discard:
        options.append("discard")
    options.extend(luks.open_options)
    return ",".join(options)


def crypttab_line(luks: Luks, uuid: str, key_file: str) -> str:
    return f"{luks.name} UUID={uuid} {key_file} {crypttab_options(luks)}\n"


def _data_url(text: str) -> str:
    return "data:;base64," + base64.b64encode(text.encode()).decode()


@frozen_model
class CrypttabAction:
    target: Target
    volumes: tuple[Luks, ...]
    state_file: str

    def describe(self) -> str:
        names = ", ".join(luks.name for luks in self.volumes)
        return f"writing {CRYPTTAB} entries and key files for {names}"

    def apply(self, log: Logger) -> None:
        keys = load_state(self.state_file).luks_keys
        steps: list[DirectoryAction | FileAction] = []
        lines: list[Resource] = []
        for luks in self.volumes:
            uuid = self._luks_uuid(luks, log)
            key_file = "none"
            if luks.name in keys:
                key_file = f"{KEY_DIR}/{luks.name}"
                node = File(
                    path=key_file, mode=SECRET_MODE, contents=Resource(source=keys[luks.name])
                )
                steps.append(FileAction(self.target, node, self.target.path(key_file)))
            lines.append(Resource(source=_data_url(crypttab_line(luks, uuid, key_file))))
        key_dir = self.target.path(KEY_DIR)
        if steps and not key_dir.exists():
            steps.insert(
                0, DirectoryAction(self.target, Directory(path=KEY_DIR, mode=0o700), key_dir)
            )
        crypttab = File(path=CRYPTTAB, mode=SECRET_MODE, append=tuple(lines))
        steps.append(FileAction(self.target, crypttab, self.target.path(CRYPTTAB)))
        for step in steps:
            with log.op(step.describe()):
                step.apply(log)
        if keys:
            update_state(self.state_file, lambda state: state.without_luks_keys())

    @staticmethod
    def _luks_uuid(luks: Luks, log: Logger) -> str:
        argv = ["cryptsetup", "luksUUID", luks.device or ""]
        return run(argv, log).stdout.strip()  # the plan checked cryptsetup is there
