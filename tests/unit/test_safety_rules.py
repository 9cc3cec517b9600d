"""Configs v2.26.0 accepts and then fails on, or does damage with: refused at validation,
each error at the JSON path of the value (semantics/safety.py, headers in
config/http_headers.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ignition_py.config.fields import Kind
from ignition_py.config.semantics import safety
from tests.unit.model_fields import all_model_fields, config_setting, our_entries

V34 = {"version": "3.4.0"}


def entries(config: dict[str, Any]) -> set[tuple[str, str, str]]:
    return our_entries(json.dumps({"ignition": V34, **config}))


def errors_at(config: dict[str, Any]) -> dict[str, str]:
    return {path: message for kind, path, message in entries(config) if kind == "error"}


# ------------------------------------------------------------------ entries at / and mounts


@pytest.mark.parametrize(
    ("kind", "node", "message"),
    [
        ("files", {"overwrite": True, "contents": {"source": "data:,x"}}, safety.ROOT_FILE),
        ("files", {}, safety.ROOT_FILE),
        ("links", {"target": "/x"}, safety.ROOT_LINK),
        ("links", {"target": "/x", "overwrite": True}, safety.ROOT_LINK),
        ("directories", {"overwrite": True}, safety.ROOT_DIRECTORY_OVERWRITE),
    ],
)
def test_entry_at_root_is_refused(kind: str, node: dict[str, Any], message: str) -> None:
    config = {"storage": {kind: [{"path": "/", **node}]}}
    assert errors_at(config) == {f"$.storage.{kind}.0.path": message}


def test_directory_at_root_without_overwrite_is_a_warning() -> None:
    found = entries({"storage": {"directories": [{"path": "/", "mode": 0o755}]}})
    assert found == {("warning", "$.storage.directories.0.path", safety.ROOT_DIRECTORY)}


def test_paths_that_clean_to_root_are_already_dirty() -> None:
    for path in ("//", "/.", "/a/..", "/./"):
        config = {"storage": {"files": [{"path": path, "overwrite": True}]}}
        assert errors_at(config)["$.storage.files.0.path"] == "path is not fully simplified"


def _mounted(*nodes: tuple[str, dict[str, Any]], fs_format: str = "ext4") -> dict[str, Any]:
    storage: dict[str, Any] = {
        "filesystems": [{"device": "/dev/vdb1", "format": fs_format, "path": "/var"}]
    }
    for kind, node in nodes:
        storage.setdefault(kind, []).append({"path": "/var", **node})
    return {"storage": storage}


def test_entry_replacing_a_mount_point_is_refused() -> None:
    config = _mounted(("files", {"contents": {"source": "data:,x"}, "overwrite": True}))
    assert errors_at(config) == {
        "$.storage.files.0.path": safety.MOUNT_POINT_NODE.format(index=0, kind="file"),
    }
    config = _mounted(("links", {"target": "/x"}))
    assert errors_at(config) == {
        "$.storage.links.0.path": safety.MOUNT_POINT_NODE.format(index=0, kind="link"),
    }
    config = _mounted(("directories", {"overwrite": True}))
    assert errors_at(config) == {
        "$.storage.directories.0.path": safety.MOUNT_POINT_OVERWRITE.format(index=0)
    }


def test_directory_at_a_mount_point_may_set_its_mode() -> None:
    assert errors_at(_mounted(("directories", {"mode": 0o700}))) == {}
    # swap and none are never mounted: the path is only a path
    assert errors_at(_mounted(("files", {}), fs_format="swap")) == {}


# ------------------------------------------------------------------ integers


@pytest.mark.parametrize("value", [-5, -1, 1 << 32, (1 << 32) - 1, (1 << 63) - 1])
def test_owner_ids_outside_linux_range_are_refused(value: int) -> None:
    config = {
        "passwd": {"users": [{"name": "u", "uid": value}], "groups": [{"name": "g", "gid": value}]},
        "storage": {
            "files": [{"path": "/f", "user": {"id": value}, "group": {"id": value}}],
            "directories": [{"path": "/d", "user": {"id": value}}],
            "links": [{"path": "/l", "target": "/f", "group": {"id": value}}],
        },
    }
    assert errors_at(config) == {
        path: safety.ID_RANGE
        for path in (
            "$.passwd.users.0.uid",
            "$.passwd.groups.0.gid",
            "$.storage.files.0.user.id",
            "$.storage.files.0.group.id",
            "$.storage.directories.0.user.id",
            "$.storage.links.0.group.id",
        )
    }


def test_owner_ids_at_linux_limits_pass() -> None:
    for value in (0, (1 << 32) - 2):
        config = {"storage": {"files": [{"path": "/f", "user": {"id": value}}]}}
        assert errors_at(config) == {}


def test_negative_counts_and_huge_sizes_are_refused() -> None:
    partitions = [
        {"number": -1, "label": "a"},
        {"number": 2, "startMiB": -5, "sizeMiB": 1 << 50},
    ]
    config = {
        "storage": {
            "disks": [{"device": "/dev/vda", "partitions": partitions}],
            "raid": [{"name": "md", "level": "raid1", "devices": ["/dev/a"], "spares": -1}],
            "luks": [
                {"name": "l", "device": "/dev/vdb", "clevis": {"tpm2": True, "threshold": -1}}
            ],
        }
    }
    base = "$.storage.disks.0.partitions"
    assert errors_at(config) == {
        f"{base}.0.number": safety.NEGATIVE,
        f"{base}.1.startMiB": safety.NEGATIVE,
        f"{base}.1.sizeMiB": safety.MIB_RANGE,
        "$.storage.raid.0.spares": safety.NEGATIVE,
        "$.storage.luks.0.clevis.threshold": safety.NEGATIVE,
    }


# ------------------------------------------------------------------ NUL in strings

_STRING_FIELDS = [f for f in all_model_fields() if Kind.STRING in (f.spec.kind, f.spec.item_kind)]
_EXEMPT = {"contents", "sshAuthorizedKeys"}


@pytest.mark.parametrize("field", _STRING_FIELDS, ids=[f.id for f in _STRING_FIELDS])
def test_nul_in_any_string_is_refused(field: Any) -> None:
    value = '"a\\u0000b"' if field.spec.kind is Kind.STRING else '["a\\u0000b"]'
    text = config_setting(field.version, field.path, value)
    where = field.path if field.spec.kind is Kind.STRING else (*field.path, 0)
    path = "$" + "".join(f".{p}" for p in where)
    found = {p for kind, p, _ in our_entries(text) if kind == "error"}
    if field.path[-1] in _EXEMPT:
        assert (("error", path, safety.NUL_IN_STRING)) not in our_entries(text)
    else:
        assert path in found, (text, our_entries(text))


def test_nul_error_never_quotes_the_value() -> None:
    config = {"passwd": {"users": [{"name": "u", "passwordHash": "$6$se\u0000cret"}]}}
    ((kind, path, message),) = entries(config)
    assert (kind, path) == ("error", "$.passwd.users.0.passwordHash")
    assert "cret" not in message


def test_partition_and_filesystem_labels_with_nul_are_refused() -> None:
    config = {
        "storage": {
            "disks": [{"device": "/dev/vda", "partitions": [{"label": "a\u0000b"}]}],
            "filesystems": [{"device": "/dev/vdb", "format": "ext4", "label": "a\u0000b"}],
        }
    }
    assert errors_at(config) == {
        "$.storage.disks.0.partitions.0.label": safety.NUL_IN_STRING,
        "$.storage.filesystems.0.label": safety.NUL_IN_STRING,
    }


# ------------------------------------------------------------------ HTTP headers

_RESOURCES = {
    "file contents": ("storage", "files", 0, "contents"),
    "file append": ("storage", "files", 0, "append", 0),
    "merge": ("ignition", "config", "merge", 0),
    "replace": ("ignition", "config", "replace"),
    "CA": ("ignition", "security", "tls", "certificateAuthorities", 0),
    "key file": ("storage", "luks", 0, "keyFile"),
}


def _with_resource(where: tuple[str | int, ...], resource: dict[str, Any]) -> dict[str, Any]:
    def nest(steps: tuple[str | int, ...]) -> Any:
        if not steps:
            return resource
        inner = nest(steps[1:])
        return [inner] if isinstance(steps[0], int) else {steps[0]: inner}

    tree: dict[str, Any] = nest(where)
    tree["ignition"] = {**tree.get("ignition", {}), **V34}
    return tree


@pytest.mark.parametrize("where", _RESOURCES.values(), ids=list(_RESOURCES))
def test_unsendable_headers_are_refused_at_their_path(where: tuple[str | int, ...]) -> None:
    headers = [
        {"name": "X-Token", "value": "se\r\ncret"},
        {"name": "Bad Name", "value": "v"},
        {"name": "X-Nul", "value": "a\u0000secret"},
        {"name": "X-Tab", "value": "a\tb"},
    ]
    resource = {"source": "https://example.com/x", "httpHeaders": headers}
    text = json.dumps(_with_resource(where, resource))
    base = "$" + "".join(f".{p}" for p in where) + ".httpHeaders"
    found = {p: m for kind, p, m in our_entries(text) if kind == "error" and "httpHeaders" in p}
    assert set(found) == {f"{base}.0.value", f"{base}.1.name", f"{base}.2.value"}
    assert not any("secret" in m or "cret" in m for m in found.values())


# ------------------------------------------------------------- names handed to tools


@pytest.mark.parametrize(
    ("config", "path", "tool"),
    [
        ({"passwd": {"users": [{"name": "--help"}]}}, "$.passwd.users.0.name", "useradd"),
        ({"passwd": {"groups": [{"name": "-g0"}]}}, "$.passwd.groups.0.name", "groupadd"),
        (
            {"systemd": {"units": [{"name": "--now.service", "enabled": True}]}},
            "$.systemd.units.0.name",
            "systemctl",
        ),
        (
            {"storage": {"luks": [{"name": "--help", "device": "/dev/vdb"}]}},
            "$.storage.luks.0.name",
            "cryptsetup",
        ),
        (
            {"storage": {"raid": [{"name": "-v", "level": "raid1", "devices": ["/dev/a"]}]}},
            "$.storage.raid.0.name",
            "mdadm",
        ),
    ],
)
def test_names_a_tool_would_read_as_options_are_refused(
    config: dict[str, Any], path: str, tool: str
) -> None:
    assert errors_at(config).get(path) == safety.OPTION_LIKE_NAME.format(tool=tool)


@pytest.mark.parametrize("name", [".", ".."])
def test_luks_and_raid_names_that_are_directories_are_refused(name: str) -> None:
    luks = {"storage": {"luks": [{"name": name, "device": "/dev/vdb"}]}}
    assert "$.storage.luks.0.name" in errors_at(luks)
    raid = {"storage": {"raid": [{"name": name, "level": "raid1", "devices": ["/dev/a"]}]}}
    assert "$.storage.raid.0.name" in errors_at(raid)


def test_names_with_an_inner_dash_pass() -> None:
    config = {"passwd": {"users": [{"name": "a-b"}], "groups": [{"name": "c-"}]}}
    assert errors_at(config) == {}
