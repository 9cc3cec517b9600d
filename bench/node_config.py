"""The boot benchmark's second config, a node as operators write them: 4 partitions on the
data disk, 3 filesystems mounted by units, 200 files (plain, gzip-compressed, appended
to), 20 units (enabled services, a dropin, a mask) and 3 users with groups and SSH keys.
Spec 3.3.0, so that Debian's Go Ignition 2.14 boots it too.

    .venv/bin/python -m bench.node_config > node.ign
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any
from urllib.parse import quote

LINUX = "0FC63DAF-8483-4772-8E79-3D47D8E477E4"
FILESYSTEMS = (("data", "ext4", "/var/lib/data"), ("logs", "xfs", "/var/log/node"),
               ("cache", "ext4", "/var/cache/node"))  # fmt: skip


def _data_url(text: str, compress: bool = False) -> dict[str, Any]:
    if compress:
        packed = base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()
        return {"source": f"data:;base64,{packed}", "compression": "gzip"}
    return {"source": "data:," + quote(text, safe="")}


def node_config() -> dict[str, Any]:
    """The config as JSON-ready dicts."""
    partitions = [
        # mkfs.xfs wants at least 300 MiB
        {"label": label, "number": n, "sizeMiB": 320 if fmt == "xfs" else 160, "typeGuid": LINUX}
        for n, (label, fmt, _) in enumerate(FILESYSTEMS, start=1)
    ]
    partitions.append({"label": "spare", "number": 4, "sizeMiB": 64, "typeGuid": LINUX})
    filesystems = [
        {"device": f"/dev/disk/by-partlabel/{label}", "format": fmt, "path": path,
         "label": label, "wipeFilesystem": True}
        for label, fmt, path in FILESYSTEMS
    ]  # fmt: skip
    files: list[dict[str, Any]] = []
    for i in range(200):
        where = ("/etc/node", "/var/lib/data/app", "/var/cache/node/blobs", "/opt/node/conf")[i % 4]
        entry: dict[str, Any] = {
            "path": f"{where}/item-{i:03}.conf",
            "mode": 0o640 if i % 3 else 0o644,
            "contents": _data_url(f"# item {i}\nkey = value-{i}\n" * (1 + i % 7), i % 5 == 0),
        }
        if i % 10 == 1:
            entry["user"] = {"name": "app"}
            entry["group"] = {"name": "app"}
        if i % 25 == 2:
            entry["append"] = [_data_url(f"extra = {i}\n")]
        files.append(entry)
    units: list[dict[str, Any]] = []
    for label, _, path in FILESYSTEMS:
        name = path.strip("/").replace("-", "\\x2d").replace("/", "-") + ".mount"
        units.append({
            "name": name, "enabled": True,
            "contents": f"[Unit]\nDescription={label}\n[Mount]\nWhat=/dev/disk/by-label/{label}\n"
                        f"Where={path}\n[Install]\nWantedBy=local-fs.target\n",
        })  # fmt: skip
    for i in range(15):
        units.append({
            "name": f"node-task-{i:02}.service", "enabled": i % 2 == 0,
            "contents": f"[Unit]\nDescription=node task {i}\n[Service]\nType=oneshot\n"
                        f"ExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n",
        })  # fmt: skip
    dropin = {"name": "10-env.conf", "contents": "[Service]\nEnvironment=A=1\n"}
    units.append({"name": "node-task-00.service", "dropins": [dropin]})
    units.append({"name": "apt-daily.timer", "mask": True})
    units.append({"name": "apt-daily-upgrade.timer", "mask": True})
    units = _merge_units(units)
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJlbmNobWFyay1ub2RlLWtleS1ub3QtYS1zZWNyZXQ="
    return {
        "ignition": {"version": "3.3.0"},
        "storage": {
            "disks": [{"device": "/dev/vdb", "wipeTable": True, "partitions": partitions}],
            "filesystems": filesystems,
            "files": files,
            "directories": [{"path": "/var/lib/data/app/state", "mode": 0o750}],
            "links": [{"path": "/usr/local/bin/node-tool", "target": "/bin/true"}],
        },
        "systemd": {"units": units},
        "passwd": {
            "groups": [{"name": "app", "gid": 2000}, {"name": "ops"}],
            "users": [
                {"name": "core", "sshAuthorizedKeys": [key], "groups": ["ops"]},
                {"name": "app", "uid": 2000, "primaryGroup": "app", "noCreateHome": True},
                {"name": "deploy", "sshAuthorizedKeys": [key], "groups": ["app", "ops"]},
            ],
        },
    }


def _merge_units(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for unit in units:
        merged.setdefault(unit["name"], {}).update(unit)
    return list(merged.values())


if __name__ == "__main__":
    print(json.dumps(node_config(), indent=1))
