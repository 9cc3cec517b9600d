"""RAID arrays with mdadm."""

from __future__ import annotations

from ..config.model import Raid
from ..disks.raid_rules import create_argv
from ..log import Logger
from . import blockdev
from .commands import run


def create_array(raid: Raid, log: Logger) -> None:
    devices = [blockdev.resolve(device) for device in raid.devices]
    for device in devices:
        blockdev.refuse_if_busy(device)
    run(create_argv(raid, devices), log)
