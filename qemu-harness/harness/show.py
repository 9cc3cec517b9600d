"""A human-readable account of what a provisioned VM's disks hold, for the demo."""

from __future__ import annotations

import os
import stat
import subprocess
from contextlib import ExitStack
from pathlib import Path

from ignition_py.config.model import Config

from .images import partition_table, signature
from .verify import Disks, Trees


def _mode_line(path: Path, shown: str) -> str:
    info = os.lstat(path)
    kind = stat.filemode(info.st_mode)
    target = f" -> {os.readlink(path)}" if stat.S_ISLNK(info.st_mode) else ""
    return f"  {kind} {info.st_uid:>5}:{info.st_gid:<5} {shown}{target}"


def show(config: Config, images: list[Path]) -> str:
    lines: list[str] = []
    disks = Disks(images)
    for index, image in enumerate(images):
        device = f"/dev/vd{chr(ord('a') + index)}"
        table = partition_table(image)
        if not table:
            found = signature(image)
            lines.append(f"{device}: {found.get('TYPE', 'no filesystem')} {found.get('LABEL', '')}")
            continue
        lines.append(f"{device}: GPT")
        for partition in table:
            found = signature(image, int(str(partition["offset"])))
            lines.append(
                f"  partition {partition['number']} {partition.get('name', '')!r:12} "
                f"{int(str(partition['bytes'])) // 2**20:>6} MiB  {found.get('TYPE', '-'):6} "
                f"label={found.get('LABEL', '-')}"
            )
    with ExitStack() as stack:
        trees = Trees(stack, config, disks)
        storage = config.storage
        nodes = (
            [n.path for n in (storage.files + storage.directories + storage.links)]
            if storage
            else []
        )
        if nodes:
            lines.append("files, directories, links (mode uid:gid path):")
            for path in sorted(nodes):
                where = trees.host_path(path)
                if os.path.lexists(where):
                    lines.append(_mode_line(where, path))
        root = trees.root
        for user in config.passwd.users if config.passwd else ():
            entry = next(
                (line for line in (root / "etc/passwd").read_text().splitlines()
                 if line.startswith(f"{user.name}:")), "(missing)"
            )  # fmt: skip
            lines.append(f"user: {entry}")
            keys = root / "home" / user.name / ".ssh/authorized_keys.d/ignition"
            if keys.exists():
                lines.append(_mode_line(keys, f"/home/{user.name}/.ssh/authorized_keys.d/ignition"))
        preset = root / "etc/systemd/system-preset/20-ignition.preset"
        if preset.exists():
            lines.append("preset: " + "; ".join(preset.read_text().splitlines()))
        report = trees.host_path("/var/data/reports/first-boot.txt")
        if report.exists():
            lines.append("written by first-boot-report.service after switch-root:")
            lines.extend(f"  | {line}" for line in report.read_text().splitlines())
        journal = subprocess.run(
            ["journalctl", "-D", str(root / "var/log/journal"), "-o", "short-monotonic",
             "SYSLOG_IDENTIFIER=ignition", "--no-pager"],
            capture_output=True, text=True,
        ).stdout.splitlines()  # fmt: skip
        ops = [line for line in journal if "[finished]" in line or "passed" in line]
        if ops:
            lines.append(
                f"the agent's log in the target image's journal ({len(journal)} lines), "
                "finished steps:"
            )
            lines.extend(f"  {line}" for line in ops[:40])
    return "\n".join(lines)
