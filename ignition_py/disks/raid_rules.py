"""The mdadm command line for a RAID array, as upstream builds it."""

from __future__ import annotations

from ..config.model import Raid


def create_argv(raid: Raid, devices: list[str]) -> list[str]:
    """`mdadm --create` as upstream builds it, for the member paths given."""
    spares = raid.spares or 0
    args = [
        "mdadm", "--create", raid.name, "--force", "--run", "--homehost", "any",
        "--level", raid.level or "", "--raid-devices", str(len(raid.devices) - spares),
    ]  # fmt: skip
    if spares > 0:
        args += ["--spare-devices", str(spares)]
    return [*args, *raid.options, *devices]
