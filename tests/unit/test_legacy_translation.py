"""Spec 1 and 2.x configs translated as Flatcar's Ignition v2.26.0 does (config/legacy):
the quirks of the 2.x upgrade chain and Flatcar's v24tov31 patches, each on its own."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

import pytest

from ignition_py.acquire import render_references
from ignition_py.config.build import render
from ignition_py.config.parse import Parsed, parse_config
from ignition_py.log import Logger
from ignition_py.resources.fetcher import Fetcher


def parsed(version: str, **sections: Any) -> Parsed:
    return parse_config(json.dumps({"ignition": {"version": version}, **sections}))


def rendered(version: str, **sections: Any) -> dict[str, Any]:
    result = parsed(version, **sections)
    assert result.ok and result.config is not None, str(result.report)
    return render(result.config)


def root_file(**fields: Any) -> dict[str, Any]:
    return {"filesystem": "root", "path": "/etc/f", **fields}


@pytest.mark.parametrize("version", ["2.0.0", "2.1.0"])
def test_modes_of_2_0_and_2_1_are_never_unset(version: str) -> None:
    # 2.0/2.1 modes are plain ints: 2.2's translation makes their zero an explicit 0.
    (file,) = rendered(version, storage={"files": [root_file()]})["storage"]["files"]
    assert file["mode"] == 0


def test_a_2_2_file_without_mode_keeps_it_unset_and_is_warned() -> None:
    result = parsed("2.2.0", storage={"files": [root_file()]})
    assert result.config is not None and result.config.storage is not None
    assert result.config.storage.files[0].mode is None
    (warning,) = [e for e in result.report if e.message.startswith("permissions unset")]
    assert warning.path == ("storage", "files", 0, "mode")


def test_2_0_owners_are_explicit_root() -> None:
    (file,) = rendered("2.0.0", storage={"files": [root_file(mode=420)]})["storage"]["files"]
    assert file["user"] == {"id": 0} and file["group"] == {"id": 0}


def test_2_x_files_overwrite_unless_they_append() -> None:
    files = [root_file(mode=420), root_file(path="/etc/g", mode=420, append=True)]
    out = rendered("2.2.0", storage={"files": files})["storage"]["files"]
    assert [f["overwrite"] for f in out] == [True, False]
    assert out[1]["append"] == [{"source": ""}]


@pytest.mark.parametrize("version", ["2.0.0", "2.1.0", "2.2.0"])
def test_partitions_of_2_0_to_2_2_are_refused_as_deprecated_sectors(version: str) -> None:
    # 2.3's translation makes their plain size/start explicit; Check2_4 refuses those.
    disk = {"device": "/dev/sdb", "partitions": [{"number": 1, "label": "x"}]}
    result = parsed(version, storage={"disks": [disk]})
    assert not result.ok
    paths = {e.path for e in result.report.errors()}
    assert ("storage", "disks", 0, "partitions", 0, "size") in paths


def test_filesystems_get_flatcars_generated_paths() -> None:
    filesystems = [
        {"name": "root", "mount": {"device": "/dev/sda9", "format": "ext4"}},
        {"name": "var", "mount": {"device": "/dev/sdb1", "format": "xfs"}},
        {"name": "oem", "mount": {"device": "/dev/disk/by-label/OEM", "format": "ext4"}},
        {"name": "OEM", "mount": {"device": "/dev/sdc1", "format": "vfat", "wipeFilesystem": True}},
    ]
    files = [root_file(filesystem="var", path="/log/x", mode=420)]
    out = rendered("2.1.0", storage={"filesystems": filesystems, "files": files})["storage"]
    assert [(fs["path"], fs["format"]) for fs in out["filesystems"]] == [
        ("/tmp/var-ign1", "xfs"),
        ("/oem", "btrfs"),  # patch 0014: the OEM partition is btrfs unless wiped
        ("/tmp/OEM-ign3", "vfat"),
    ]
    assert out["files"][0]["path"] == "/tmp/var-ign1/log/x"


def test_mount_create_becomes_wipe_and_options() -> None:
    create = {"force": True, "options": ["-L", "X"]}
    fs = {"name": "s", "mount": {"device": "/dev/sdb1", "format": "ext4", "create": create}}
    (out,) = rendered("2.0.0", storage={"filesystems": [fs]})["storage"]["filesystems"]
    assert out["wipeFilesystem"] is True and out["options"] == ["-L", "X"]


def test_mount_create_without_force_is_refused_at_its_place() -> None:
    fs = {"name": "s", "mount": {"device": "/dev/sdb1", "format": "ext4", "create": {}}}
    result = parsed("2.4.0", storage={"filesystems": [fs]})
    (error,) = result.report.errors()
    assert error.path == ("storage", "filesystems", 0, "mount", "create", "force")


def test_networkd_units_become_files_with_path_escaped_data() -> None:
    contents = "[Match]\nName=e*\n# a/b;c,d?e=f@g$h&i+j:k!\n"
    unit = {"name": "00-e.network", "contents": contents, "dropins": [{"name": "m.conf"}]}
    files = rendered("2.2.0", networkd={"units": [unit]})["storage"]["files"]
    assert [f["path"] for f in files] == [
        "/etc/systemd/network/00-e.network",
        "/etc/systemd/network/00-e.network.d/m.conf",
    ]
    assert files[0]["mode"] == 0o644 and files[0]["overwrite"] is True
    expected = "%5BMatch%5D%0AName=e%2A%0A%23%20a%2Fb%3Bc%2Cd%3Fe=f@g$h&i+j:k%21%0A"
    assert files[0]["contents"]["source"] == "data:," + expected
    assert expected == quote(contents, safe="$&+:=@")
    assert files[1]["contents"]["source"] == "data:,"


def test_units_sharing_a_name_are_merged() -> None:
    units = [
        {"name": "a.service", "contents": "[Service]\nExecStart=/bin/true\n", "mask": True},
        {"name": "b.service", "mask": True},
        {"name": "a.service", "enabled": False, "dropins": [{"name": "x.conf"}]},
    ]
    out = rendered("2.2.0", systemd={"units": units})["systemd"]["units"]
    assert [u["name"] for u in out] == ["a.service", "b.service"]
    assert out[0]["enabled"] is False and out[0]["mask"] is True
    assert out[0]["contents"].startswith("[Service]") and out[0]["dropins"] == [{"name": "x.conf"}]


def test_enabled_false_wins_over_enable() -> None:
    unit = {"name": "a.service", "enable": True, "enabled": False}
    (out,) = rendered("2.1.0", systemd={"units": [unit]})["systemd"]["units"]
    assert out["enabled"] is False


def test_a_users_create_block_wins_over_user_level_fields() -> None:
    user = {"name": "u", "shell": "/bin/zsh", "create": {"uid": 7, "groups": ["wheel"]}}
    result = parsed("2.1.0", passwd={"users": [user]})
    (error,) = result.report.errors()  # both given: 2.x refuses the shell
    assert "user-level shell field" in error.message
    del user["shell"]
    (out,) = rendered("2.1.0", passwd={"users": [user]})["passwd"]["users"]
    assert out == {"name": "u", "uid": 7, "groups": ["wheel"]}


def test_several_appends_and_cas_stay_several() -> None:
    # ign-converter's loop-variable bug collapses them; Flatcar's build does not.
    sources = ["https://e.com/a", "https://e.com/b"]
    ignition = {
        "version": "2.2.0",
        "config": {"append": [{"source": s} for s in sources]},
        "security": {"tls": {"certificateAuthorities": [{"source": s} for s in sources]}},
    }
    result = parse_config(json.dumps({"ignition": ignition}))
    assert result.config is not None, str(result.report)
    out = render(result.config)["ignition"]
    assert [m["source"] for m in out["config"]["merge"]] == sources
    assert [c["source"] for c in out["security"]["tls"]["certificateAuthorities"]] == sources


def test_spec_1_files_live_on_their_translated_filesystem() -> None:
    fs = {"device": "/dev/sda9", "format": "ext4", "files": [{"path": "/a", "contents": "x y"}]}
    result = parse_config(json.dumps({"ignitionVersion": 1, "storage": {"filesystems": [fs]}}))
    assert result.config is not None, str(result.report)
    storage = render(result.config)["storage"]
    assert storage["filesystems"][0]["path"] == "/tmp/_translate-filesystem-0-ign1"
    assert storage["files"][0]["path"] == "/tmp/_translate-filesystem-0-ign1/a"
    assert storage["files"][0]["contents"]["source"] == "data:,x%20y"


def test_2_x_parent_merges_a_3_x_child_and_the_reverse() -> None:
    for parent_version, child_version, name in (("2.3.0", "3.3.0", "3"), ("3.2.0", "2.2.0", "2")):
        child = {"ignition": {"version": child_version}, "passwd": {"users": [{"name": name}]}}
        source = "data:," + quote(json.dumps(child))
        key = "append" if parent_version.startswith("2") else "merge"
        parent = {"version": parent_version, "config": {key: [{"source": source}]}}
        result = parse_config(json.dumps({"ignition": parent}))
        assert result.config is not None, str(result.report)
        log = Logger("fetch", stream=io.StringIO())
        merged = render_references(result.config, Fetcher(log), log, [])
        assert merged.passwd is not None and [u.name for u in merged.passwd.users] == [name]
