"""A spec 2.4 tree -> the spec 3.1 tree Flatcar's config/v24tov31.Translate makes of it
(patches 0002, 0014, 0015): the oem filesystem at /oem (btrfs unless wiped), other declared
filesystems at generated paths, networkd units written as files, units sharing a name merged,
`mount.create` folded into wipeFilesystem and options, a user's `create` block read."""

from __future__ import annotations

from urllib.parse import quote

from ...typecheck import TYPE_CHECKING
from .check import go_join, node_path

if TYPE_CHECKING:
    from typing import Any

_NETWORK_DIR = "/etc/systemd/network"


def translate_v24(tree: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    """Spec 2.4 tree (checked by check_translatable) -> spec 3.1 JSON tree; absent values
    are left out, as Go's json.Marshal of the 3.1 types leaves them."""
    ignition = tree.get("ignition", {})
    refs = ignition.get("config", {})
    storage = tree.get("storage", {})
    proxy = ignition.get("proxy", {})
    files = [_file(f, paths) for f in storage.get("files", [])]
    files += _networkd(tree.get("networkd", {}).get("units", []), paths)
    out = {
        "ignition": _prune(
            {
                "version": "3.1.0",
                "config": {
                    "replace": _reference(refs["replace"]) if "replace" in refs else None,
                    "merge": [_reference(r) for r in refs.get("append", [])],
                },
                "security": {
                    "tls": {
                        "certificateAuthorities": [
                            _reference(r)
                            for r in ignition.get("security", {})
                            .get("tls", {})
                            .get("certificateAuthorities", [])
                        ]
                    }
                },
                "timeouts": dict(ignition.get("timeouts", {})),
                "proxy": {
                    "httpProxy": proxy.get("httpProxy") or None,
                    "httpsProxy": proxy.get("httpsProxy") or None,
                    "noProxy": list(proxy.get("noProxy", [])),
                },
            }
        ),
        "passwd": {
            "users": [_user(u) for u in tree.get("passwd", {}).get("users", [])],
            "groups": [_group(g) for g in tree.get("passwd", {}).get("groups", [])],
        },
        "systemd": {"units": _units(tree.get("systemd", {}).get("units", []))},
        "storage": {
            "disks": [_disk(d) for d in storage.get("disks", [])],
            "raid": [_raid(r) for r in storage.get("raid", [])],
            "filesystems": [
                _filesystem(fs, paths)
                for fs in storage.get("filesystems", [])
                if fs.get("name", "") != "root"
            ],
            "files": files,
            "directories": [_directory(d, paths) for d in storage.get("directories", [])],
            "links": [_link(link, paths) for link in storage.get("links", [])],
        },
    }
    pruned: dict[str, Any] = _prune(out)
    return pruned


def _prune(value: Any) -> Any:
    """Leave out None, False-for-omitted and empty lists/objects, as json.Marshal's
    omitempty does for the 3.1 types' pointer and slice fields (a kept value stays)."""
    if isinstance(value, dict):
        kept = {k: _prune(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v != [] and v != {}}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _str(value: str | None) -> str | None:
    return value or None


def _bool(value: bool | None) -> bool | None:
    return True if value else None


def _headers(owner: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": h.get("name", ""), "value": _str(h.get("value"))}
        for h in owner.get("httpHeaders", [])
    ]


def _reference(ref: dict[str, Any]) -> dict[str, Any]:
    return {
        "source": ref.get("source", ""),
        "verification": {"hash": ref.get("verification", {}).get("hash")},
        "httpHeaders": _headers(ref),
    }


def _user(user: dict[str, Any]) -> dict[str, Any]:
    # A `create` block (deprecated) wins over every user-level field, even unset ones.
    fields = user.get("create", user) if "create" in user else user
    return {
        "name": user.get("name", ""),
        "passwordHash": user.get("passwordHash"),
        "sshAuthorizedKeys": list(user.get("sshAuthorizedKeys", [])),
        "uid": fields.get("uid"),
        "gecos": _str(fields.get("gecos")),
        "homeDir": _str(fields.get("homeDir")),
        "noCreateHome": _bool(fields.get("noCreateHome")),
        "primaryGroup": _str(fields.get("primaryGroup")),
        "groups": list(fields.get("groups", [])),
        "noUserGroup": _bool(fields.get("noUserGroup")),
        "noLogInit": _bool(fields.get("noLogInit")),
        "shell": _str(fields.get("shell")),
        "system": _bool(fields.get("system")),
    }


def _group(group: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": group.get("name", ""),
        "gid": group.get("gid"),
        "passwordHash": _str(group.get("passwordHash")),
        "system": _bool(group.get("system")),
    }


def _units(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for unit in units:
        enabled = True if unit.get("enabled") is True or unit.get("enable") else None
        if unit.get("enabled") is False:
            enabled = False  # `enabled` wins over the deprecated `enable`
        translated = {
            "name": unit.get("name", ""),
            "enabled": enabled,
            "mask": _bool(unit.get("mask")),
            "contents": _str(unit.get("contents")),
            "dropins": [
                {"name": d.get("name", ""), "contents": _str(d.get("contents"))}
                for d in unit.get("dropins", [])
            ],
        }
        name = translated["name"]
        merged[name] = _merge_unit(merged[name], translated) if name in merged else translated
    # Flatcar lists merged units in Go's random map order; we keep first appearance.
    return list(merged.values())


def _merge_unit(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Ignition 3's merge of two units of one name: the child's set fields win, dropins
    are merged by name (merge.MergeStructTranscribe)."""
    out = {
        k: (child[k] if child[k] is not None else v) for k, v in parent.items() if k != "dropins"
    }
    dropins = {d["name"]: dict(d) for d in parent["dropins"]}
    for d in child["dropins"]:
        if d["name"] in dropins and d["contents"] is None:
            continue
        dropins[d["name"]] = dict(d)
    out["dropins"] = list(dropins.values())
    return out


def _disk(disk: dict[str, Any]) -> dict[str, Any]:
    return {
        "device": disk.get("device", ""),
        "wipeTable": _bool(disk.get("wipeTable")),
        "partitions": [
            {
                "label": p.get("label"),
                "number": p.get("number") or None,
                "sizeMiB": p.get("sizeMiB"),
                "startMiB": p.get("startMiB"),
                "typeGuid": _str(p.get("typeGuid")),
                "guid": _str(p.get("guid")),
                "wipePartitionEntry": _bool(p.get("wipePartitionEntry")),
                "shouldExist": p.get("shouldExist"),
            }
            for p in disk.get("partitions", [])
        ],
    }


def _raid(raid: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": raid.get("name", ""),
        "level": raid.get("level", ""),
        "devices": list(raid.get("devices", [])),
        "spares": raid.get("spares") or None,
        "options": list(raid.get("options", [])),
    }


def _filesystem(fs: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    mount = fs.get("mount", {})
    wipe = _bool(mount.get("wipeFilesystem"))
    options = list(mount.get("options", []))
    create = mount.get("create")
    if create is not None:
        wipe = _bool(create.get("force"))
        options += create.get("options", [])
    fs_format = mount.get("format", "")
    name = fs.get("name", "")
    if name.lower() == "oem" and not wipe:
        fs_format = "btrfs"  # patch 0014: Flatcar's OEM partition
    return {
        "device": mount.get("device", ""),
        "format": _str(fs_format),
        "wipeFilesystem": wipe,
        "label": mount.get("label"),
        "uuid": mount.get("uuid"),
        "options": options,
        "path": _str(paths.get(name, "")),
    }


def _node(node: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    user = node.get("user", {})
    group = node.get("group", {})
    return {
        "path": node_path(paths, node),
        "user": {"id": user.get("id"), "name": _str(user.get("name"))},
        "group": {"id": group.get("id"), "name": _str(group.get("name"))},
        "overwrite": node.get("overwrite"),
    }


def _file(file: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    node = dict(file)
    node.setdefault("overwrite", True)  # 2.x overwrites files by default
    if file.get("append"):
        node["overwrite"] = False
    contents = file.get("contents", {})
    resource = {
        "compression": _str(contents.get("compression")),
        "source": contents.get("source", ""),
        "httpHeaders": _headers(contents),
        "verification": {"hash": contents.get("verification", {}).get("hash")},
    }
    out = {**_node(node, paths), "mode": file.get("mode")}
    if file.get("append"):
        out["append"] = [resource]
    else:
        out["contents"] = resource
    return out


def _networkd(units: list[dict[str, Any]], paths: dict[str, str]) -> list[dict[str, Any]]:
    root = paths.get("root", "")
    files = []
    for unit in units:
        name = unit.get("name", "")
        if unit.get("contents", ""):
            files.append(_network_file(go_join(root, _NETWORK_DIR, name), unit["contents"]))
        for dropin in unit.get("dropins", []):
            where = go_join(root, _NETWORK_DIR, name + ".d", dropin.get("name", ""))
            files.append(_network_file(where, dropin.get("contents", "")))
    return files


def _network_file(path: str, contents: str) -> dict[str, Any]:
    # Go's url.PathEscape keeps unreserved characters and $&+:=@.
    source = "data:," + quote(contents, safe="$&+:=@")
    return {"path": path, "overwrite": True, "mode": 0o644, "contents": {"source": source}}


def _directory(directory: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    return {**_node(directory, paths), "mode": directory.get("mode")}


def _link(link: dict[str, Any], paths: dict[str, str]) -> dict[str, Any]:
    return {**_node(link, paths), "hard": _bool(link.get("hard")), "target": link.get("target", "")}
