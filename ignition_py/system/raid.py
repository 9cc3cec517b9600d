"""RAID arrays with mdadm."""

from __future__ import annotations

from collections.abc import Sequence

from ..log import Logger
from . import blockdev
from .commands import run


def create_array(argv: Sequence[str], members: Sequence[str], log: Logger) -> None:
    """Run a decided `mdadm --create` argv after refusing any member in use (resolved
    paths). Raises DeviceError or CommandError."""
    for device in members:
        blockdev.refuse_if_busy(device)
    run(argv, log)
