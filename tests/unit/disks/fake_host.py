"""A host for disk planning, in memory, at the system/ probe boundary (DiskProbe)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ignition_py.config.model import Config, Storage
from ignition_py.config.parse import parse_config
from ignition_py.disks.actions import (
    CheckBeforeWriting,
    CreateFilesystem,
    CreateLuks,
    PartitionDisk,
    RecordLuksKey,
)
from ignition_py.disks.plan import Action, plan_storage
from ignition_py.errors import CommandError
from ignition_py.system.blockdev import DeviceError
from ignition_py.system.filesystems import Probe
from ignition_py.system.gpt import DiskTable, Geometry, GptEntry

MIB = 2048  # 512-byte sectors


@dataclass
class Device:
    table: DiskTable | None = None
    found: Probe = field(default_factory=Probe)
    luks2: bool = False
    luks_uuid: str = ""
    # a str: the header's metadata cannot be parsed; an int: luksDump exits with it
    luks_flags: tuple[str, ...] | str | int = ()
    usage: str | None = None
    extents: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # by offset


def disk(size_mib: int = 64, *entries: GptEntry, kind: str = "gpt") -> Device:
    geometry = Geometry.fresh(512, size_mib * MIB)
    if kind != "gpt":
        return Device(DiskTable(geometry, "", kind))
    table = DiskTable(
        geometry, "1B4E28BA-2FA1-11D2-883F-B9A761BDE3FB", kind, {e.number: e for e in entries}
    )
    return Device(table)


@dataclass
class FakeHost:
    """Block devices by path, links (path -> target) and the tools on PATH."""

    devices: dict[str, Device] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    tools_missing: set[str] = field(default_factory=set)
    asked: list[str] = field(default_factory=list)
    never: dict[str, str] = field(default_factory=dict)  # path -> why it never will be one

    def missing_tools(self, names: Sequence[str]) -> list[str]:
        return [name for name in names if name in self.tools_missing]

    def is_block_device(self, path: str) -> bool:
        return self.resolve(path) in self.devices

    def never_a_block_device(self, path: str) -> str | None:
        return self.never.get(path)

    def resolve(self, path: str) -> str:
        return self.links.get(path, path)

    def read_table(self, device: str) -> DiskTable:
        self.asked.append(f"table {device}")
        table = self.devices[device].table
        if table is None:
            raise DeviceError(f"{device} is too small for a GPT partition table")
        return table

    def filesystem(self, device: str) -> Probe:
        self.asked.append(f"blkid {device}")
        return self.devices[device].found

    def extent(self, device: str, offset: int, length: int) -> tuple[str, int | None]:
        return self.devices[device].extents.get(offset, ("", None))

    def is_luks2(self, device: str) -> bool:
        self.asked.append(f"isLuks {device}")
        return self.devices[device].luks2

    def luks_uuid(self, device: str) -> str:
        return self.devices[device].luks_uuid

    def luks_flags(self, device: str) -> tuple[str, ...]:
        self.asked.append(f"luksDump {device}")
        flags = self.devices[device].luks_flags
        if isinstance(flags, str):
            raise ValueError(flags)
        if isinstance(flags, int):
            raise CommandError(["cryptsetup", "luksDump", device], flags, "")
        return flags

    def usage(self, device: str, *, partitions: bool = True) -> str | None:
        found = self.devices.get(device)
        return found.usage if found is not None else None


def storage(tree: dict[str, Any]) -> tuple[Storage, Config]:
    raw = json.dumps({"ignition": {"version": "3.4.0"}, "storage": tree}).encode()
    parsed = parse_config(raw)
    assert parsed.config is not None and not parsed.report.has_errors, str(parsed.report)
    return parsed.config.storage or Storage(), parsed.config


def plan(host: FakeHost, tree: dict[str, Any]) -> list[Action]:
    found, config = storage(tree)
    return plan_storage(
        found,
        config.ignition,
        platform="file",
        state_file="/run/ignition/state",
        probe=host,
    )


def only(actions: list[Action], kind: type[Any]) -> list[Any]:
    return [action for action in actions if isinstance(action, kind)]


__all__ = [
    "MIB", "CheckBeforeWriting", "CreateFilesystem", "CreateLuks", "Device", "FakeHost",
    "GptEntry", "PartitionDisk", "Probe", "RecordLuksKey", "disk", "only", "plan",
]  # fmt: skip
