"""The keys of spec 2.0-2.4 configs: for each object, its keys, their JSON kind and the minor
version (of 2.x) that introduced them (flatcar/ignition v0.36.2 config/v2_*/types)."""

from __future__ import annotations

from ...typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    # A kind is "str", "bool", "int", ("obj", name) or ("list", kind).
    Kind = Any


def _list(kind: Kind) -> Kind:
    return ("list", kind)


def _obj(name: str) -> Kind:
    return ("obj", name)


_REF = {
    "source": ("str", 0),
    "verification": (_obj("Verification"), 0),
    "httpHeaders": (_list(_obj("HTTPHeader")), 4),
}
_NODE = {
    "filesystem": ("str", 0),
    "path": ("str", 0),
    "user": (_obj("NodeUser"), 0),
    "group": (_obj("NodeGroup"), 0),
    "overwrite": ("bool", 2),
}
_USER_FIELDS = {
    "uid": ("int", 0),
    "gecos": ("str", 0),
    "homeDir": ("str", 0),
    "noCreateHome": ("bool", 0),
    "primaryGroup": ("str", 0),
    "groups": (_list("str"), 0),
    "noUserGroup": ("bool", 0),
    "noLogInit": ("bool", 0),
    "shell": ("str", 0),
    "system": ("bool", 0),
}

OBJECTS: dict[str, dict[str, tuple[Kind, int]]] = {
    "Config": {
        "ignition": (_obj("Ignition"), 0),
        "storage": (_obj("Storage"), 0),
        "systemd": (_obj("Systemd"), 0),
        "networkd": (_obj("Networkd"), 0),
        "passwd": (_obj("Passwd"), 0),
    },
    "Ignition": {
        "version": ("str", 0),
        "config": (_obj("IgnitionConfig"), 0),
        "timeouts": (_obj("Timeouts"), 1),
        "security": (_obj("Security"), 2),
        "proxy": (_obj("Proxy"), 4),
    },
    "IgnitionConfig": {
        "append": (_list(_obj("Reference")), 0),
        "replace": (_obj("Reference"), 0),
    },
    "Reference": _REF,
    "Verification": {"hash": ("str", 0)},
    "HTTPHeader": {"name": ("str", 4), "value": ("str", 4)},
    "Timeouts": {"httpResponseHeaders": ("int", 1), "httpTotal": ("int", 1)},
    "Security": {"tls": (_obj("TLS"), 2)},
    "TLS": {"certificateAuthorities": (_list(_obj("Reference")), 2)},
    "Proxy": {
        "httpProxy": ("str", 4),
        "httpsProxy": ("str", 4),
        "noProxy": (_list("str"), 4),
    },
    "Storage": {
        "disks": (_list(_obj("Disk")), 0),
        "raid": (_list(_obj("Raid")), 0),
        "filesystems": (_list(_obj("Filesystem")), 0),
        "files": (_list(_obj("File")), 0),
        "directories": (_list(_obj("Directory")), 1),
        "links": (_list(_obj("Link")), 1),
    },
    "Disk": {
        "device": ("str", 0),
        "wipeTable": ("bool", 0),
        "partitions": (_list(_obj("Partition")), 0),
    },
    "Partition": {
        "label": ("str", 0),
        "number": ("int", 0),
        "size": ("int", 0),
        "start": ("int", 0),
        "typeGuid": ("str", 0),
        "guid": ("str", 1),
        "sizeMiB": ("int", 3),
        "startMiB": ("int", 3),
        "shouldExist": ("bool", 3),
        "wipePartitionEntry": ("bool", 3),
    },
    "Raid": {
        "name": ("str", 0),
        "level": ("str", 0),
        "devices": (_list("str"), 0),
        "spares": ("int", 0),
        "options": (_list("str"), 2),
    },
    "Filesystem": {
        "name": ("str", 0),
        "mount": (_obj("Mount"), 0),
        "path": ("str", 0),
    },
    "Mount": {
        "device": ("str", 0),
        "format": ("str", 0),
        "create": (_obj("Create"), 0),
        "wipeFilesystem": ("bool", 1),
        "label": ("str", 1),
        "uuid": ("str", 1),
        "options": (_list("str"), 1),
    },
    "Create": {"force": ("bool", 0), "options": (_list("str"), 0)},
    "File": {
        **_NODE,
        "contents": (_obj("FileContents"), 0),
        "mode": ("int", 0),
        "append": ("bool", 2),
    },
    "FileContents": {
        "compression": ("str", 0),
        "source": ("str", 0),
        "verification": (_obj("Verification"), 0),
        "httpHeaders": (_list(_obj("HTTPHeader")), 4),
    },
    "Directory": {**_NODE, "mode": ("int", 1)},
    "Link": {**_NODE, "target": ("str", 1), "hard": ("bool", 1)},
    "NodeUser": {"id": ("int", 0), "name": ("str", 1)},
    "NodeGroup": {"id": ("int", 0), "name": ("str", 1)},
    "Systemd": {"units": (_list(_obj("Unit")), 0)},
    "Unit": {
        "name": ("str", 0),
        "enable": ("bool", 0),
        "enabled": ("bool", 1),
        "mask": ("bool", 0),
        "contents": ("str", 0),
        "dropins": (_list(_obj("Dropin")), 0),
    },
    "Dropin": {"name": ("str", 0), "contents": ("str", 0)},
    "Networkd": {"units": (_list(_obj("NetworkdUnit")), 0)},
    "NetworkdUnit": {
        "name": ("str", 0),
        "contents": ("str", 0),
        "dropins": (_list(_obj("Dropin")), 2),
    },
    "Passwd": {
        "users": (_list(_obj("User")), 0),
        "groups": (_list(_obj("Group")), 0),
    },
    "User": {
        "name": ("str", 0),
        "passwordHash": ("str", 0),
        "sshAuthorizedKeys": (_list("str"), 0),
        "create": (_obj("UserCreate"), 0),
        **{key: (kind, 1) for key, (kind, _) in _USER_FIELDS.items()},
    },
    "UserCreate": _USER_FIELDS,
    "Group": {
        "name": ("str", 0),
        "gid": ("int", 0),
        "passwordHash": ("str", 0),
        "system": ("bool", 0),
    },
}

# Spec 1 (`ignitionVersion: 1`, flatcar/ignition v0.36.2 config/v1/types); every key is
# "since 0".
OBJECTS.update(
    {
        "V1Config": {
            "ignitionVersion": ("int", 0),
            "storage": (_obj("V1Storage"), 0),
            "systemd": (_obj("V1Systemd"), 0),
            "networkd": (_obj("V1Networkd"), 0),
            "passwd": (_obj("Passwd"), 0),
        },
        "V1Storage": {
            "disks": (_list(_obj("Disk")), 0),
            "raid": (_list(_obj("Raid")), 0),
            "filesystems": (_list(_obj("V1Filesystem")), 0),
        },
        "V1Filesystem": {
            "device": ("str", 0),
            "format": ("str", 0),
            "create": (_obj("Create"), 0),
            "files": (_list(_obj("V1File")), 0),
        },
        "V1File": {
            "path": ("str", 0),
            "contents": ("str", 0),
            "mode": ("int", 0),
            "uid": ("int", 0),
            "gid": ("int", 0),
        },
        "V1Systemd": {"units": (_list(_obj("V1Unit")), 0)},
        "V1Unit": {
            "name": ("str", 0),
            "enable": ("bool", 0),
            "mask": ("bool", 0),
            "contents": ("str", 0),
            "dropins": (_list(_obj("Dropin")), 0),
        },
        "V1Networkd": {"units": (_list(_obj("V1NetworkdUnit")), 0)},
        "V1NetworkdUnit": {"name": ("str", 0), "contents": ("str", 0)},
    }
)
