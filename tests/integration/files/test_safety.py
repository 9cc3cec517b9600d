"""Where v2.26.0 loses or exposes data, the files stage refuses or does it safely: each
test fails on the code before its fix, on real roots (temp roots, tiny loop-mounted
ext4 filesystems that fill up, an HTTP server on 127.0.0.1 that misbehaves)."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .safety_support import (
    GOOD,
    config,
    fill,
    gzipped_data_url,
    misbehaving_server,
    run_files,
    sha512,
    tiny_ext4,
)
from .support import NOT_ROOT, make_root, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)
OLD = b"old contents\n"
BIG = gzipped_data_url(b"\0" * (3 << 20))  # 3 MiB once gunzipped: more than a tiny disk


@pytest.fixture
def root() -> Iterator[Path]:
    with work_dir() as work:
        made = work / "root"
        make_root(made)
        yield made


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with misbehaving_server() as base:
        yield base


def _scratch(root: Path) -> Path:
    return root.parent / "scratch"


ROOT_ENTRIES: dict[str, dict[str, Any]] = {
    "directory-overwrite": {"directories": [{"path": "/", "overwrite": True}]},
    "directory-chmod": {"directories": [{"path": "/", "mode": 0o700}]},
    "directory-chown": {"directories": [{"path": "/.", "user": {"name": "core"}}]},
    "file-overwrite": {
        "files": [{"path": "/", "overwrite": True, "contents": {"source": "data:,x"}}]
    },
    "file-dotdot": {"files": [{"path": "/etc/..", "overwrite": True}]},
    "link-overwrite": {"links": [{"path": "/", "target": "/host", "overwrite": True}]},
    "hard-link-overwrite": {
        "links": [{"path": "/x/../", "target": "/etc/passwd", "hard": True, "overwrite": True}]
    },
}


ROOT_UNITS: dict[str, dict[str, Any]] = {
    "unit-mask": {"name": "../../..", "mask": True},
    "unit-contents": {"name": "../../../", "contents": "[Unit]\n"},
}


@pytest.mark.parametrize(
    "sections",
    [{"storage": storage} for storage in ROOT_ENTRIES.values()]
    + [{"systemd": {"units": [unit]}} for unit in ROOT_UNITS.values()],
    ids=[*ROOT_ENTRIES, *ROOT_UNITS],
)
def test_the_root_itself_is_never_an_entry(root: Path, sections: dict[str, Any]) -> None:
    storage = sections.get("storage", {})
    storage = {**storage, "files": [*storage.get("files", []), {"path": "/etc/after"}]}
    before = os.lstat(root)
    result = run_files(config(**{**sections, "storage": storage}), root, _scratch(root))
    assert result.returncode != 0, result.output
    assert "is the root itself" in result.output, result.output
    after = os.lstat(root)
    assert stat.S_ISDIR(after.st_mode)
    assert (after.st_mode, after.st_uid, after.st_gid) == (
        before.st_mode,
        before.st_uid,
        before.st_gid,
    )
    assert (root / "etc/passwd").is_file()
    if "storage" in sections:  # refused while planning: nothing written at all
        assert not (root / "etc/after").exists()


def test_mount_stage_directories_are_handed_over_without_following_links(root: Path) -> None:
    os.symlink("../../etc", root / "home/core/mnt")
    before = os.lstat(root / "etc")
    scratch = _scratch(root)
    scratch.mkdir()
    (scratch / "state").write_text(json.dumps({"notatedDirectories": ["/home/core/mnt"]}))
    result = run_files(config(passwd={"users": [{"name": "core"}]}), root, scratch)
    assert result.returncode != 0, result.output
    after = os.lstat(root / "etc")
    assert (after.st_uid, after.st_mode) == (before.st_uid, before.st_mode)


def _old_file_and_link(root: Path) -> None:
    (root / "etc/keep").write_bytes(OLD)
    os.symlink("keep", root / "etc/lnk")


def _assert_old_file_and_link(root: Path) -> None:
    assert (root / "etc/keep").read_bytes() == OLD
    assert os.readlink(root / "etc/lnk") == "keep"
    assert sorted(os.listdir(root / "etc")) == sorted(
        ["keep", "lnk", "passwd", "group", "shadow", "gshadow", "login.defs", "skel", "selinux"]
    ), "no temporary file is left behind"


BROKEN = {
    "reset": ("/reset", None, None),
    "trickle-reset": ("/trickle", None, None),
    "short-body": ("/short", None, None),
    "404": ("/404", None, None),
    "bad-gzip": ("/badgzip", "gzip", None),
    "hash-mismatch": ("/good", None, sha512(b"other")),
}


@pytest.mark.parametrize("source", BROKEN.values(), ids=BROKEN.keys())
def test_overwrite_keeps_the_old_file_when_the_new_contents_fail(
    root: Path, server: str, source: tuple[str, str | None, str | None]
) -> None:
    _old_file_and_link(root)
    name, compression, digest = source
    contents: dict[str, Any] = {"source": server + name}
    if compression:
        contents["compression"] = compression
    if digest:
        contents["verification"] = {"hash": digest}
    files = [
        {"path": path, "overwrite": True, "contents": contents}
        for path in ("/etc/keep", "/etc/lnk")
    ]
    result = run_files(config(storage={"files": files}), root, _scratch(root))
    assert result.returncode != 0, result.output
    _assert_old_file_and_link(root)


def test_overwrite_replaces_in_one_rename(root: Path, server: str) -> None:
    _old_file_and_link(root)
    os.link(root / "etc/keep", root / "etc/keep-hardlink")
    files = [{"path": "/etc/keep", "overwrite": True, "contents": {"source": server + "/good"}}]
    result = run_files(config(storage={"files": files}), root, _scratch(root))
    assert result.returncode == 0, result.output
    assert (root / "etc/keep").read_bytes() == GOOD
    assert (root / "etc/keep-hardlink").read_bytes() == OLD, "a new inode, not rewritten"


def test_overwrite_with_a_hard_link_to_a_missing_target_keeps_the_old_file(root: Path) -> None:
    _old_file_and_link(root)
    links = [
        {"path": path, "target": "/etc/missing", "hard": True, "overwrite": True}
        for path in ("/etc/keep", "/etc/lnk")
    ]
    result = run_files(config(storage={"links": links}), root, _scratch(root))
    assert result.returncode != 0, result.output
    _assert_old_file_and_link(root)


def test_overwrite_on_a_full_disk_keeps_the_old_nodes(root: Path) -> None:
    with tiny_ext4(root / "full", inodes=64) as full:
        for name in ("file", "dir-over", "link-over", "append"):
            (full / name).write_bytes(OLD)
        os.symlink("file", full / "link")
        fill(full)
        storage = {
            "files": [
                {"path": "/full/file", "overwrite": True, "contents": {"source": BIG}},
                {"path": "/full/link", "overwrite": True, "contents": {"source": BIG}},
            ],
            "directories": [{"path": "/full/dir-over", "overwrite": True}],
            "links": [{"path": "/full/link-over", "target": "/etc", "overwrite": True}],
        }
        for name, entries in storage.items():
            result = run_files(config(storage={name: entries}), root, _scratch(root))
            assert result.returncode != 0, result.output
        for name in ("file", "dir-over", "link-over", "append"):
            assert (full / name).read_bytes() == OLD, name
        assert os.readlink(full / "link") == "file"
        assert not [name for name in os.listdir(full) if name.startswith(".")]


def test_appends_are_all_or_nothing(root: Path, server: str) -> None:
    (root / "etc/log").write_bytes(OLD)
    good = {"source": "data:,one%0A"}
    failures = [
        {"source": "data:,two%0A", "verification": {"hash": sha512(b"three\n")}},
        {"source": server + "/reset"},
        {"source": server + "/badgzip", "compression": "gzip"},
    ]
    for failure in failures:
        files = [{"path": "/etc/log", "append": [good, failure]}]
        result = run_files(config(storage={"files": files}), root, _scratch(root))
        assert result.returncode != 0, result.output
        assert (root / "etc/log").read_bytes() == OLD


def test_appends_on_a_full_disk_leave_the_file_as_it_was(root: Path) -> None:
    with tiny_ext4(root / "full") as full:
        (full / "log").write_bytes(OLD)
        fill(full, spare=8192)  # room for the first append, not the second
        files = [{"path": "/full/log", "append": [{"source": "data:,one"}, {"source": BIG}]}]
        result = run_files(config(storage={"files": files}), root, _scratch(root))
        assert result.returncode != 0, result.output
        assert (full / "log").read_bytes() == OLD


@pytest.mark.parametrize("fragment", [True, False], ids=["fragment", "authorized_keys"])
def test_ssh_keys_on_a_full_disk_keep_the_old_keys(root: Path, fragment: bool) -> None:
    ssh = root / "home/core/.ssh"
    with tiny_ext4(ssh):
        os.chown(ssh, 500, 500)
        os.chmod(ssh, 0o700)
        old = ssh / ("authorized_keys.d/ignition" if fragment else "authorized_keys")
        old.parent.mkdir(exist_ok=True)
        old.write_bytes(b"ssh-ed25519 OLD core@old\n")
        os.chown(old.parent, 500, 500)
        os.chown(old, 500, 500)
        fill(ssh)
        keys = [f"ssh-ed25519 {'A' * 400}{n} core@new" for n in range(100)]
        users = [{"name": "core", "sshAuthorizedKeys": keys}]
        env = {"IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT": str(fragment).lower()}
        result = run_files(config(passwd={"users": users}), root, _scratch(root), env)
        assert result.returncode != 0, result.output
        assert old.read_bytes() == b"ssh-ed25519 OLD core@old\n"
        assert not [name for name in os.listdir(old.parent) if name.startswith(".")]


def test_ssh_keys_replace_the_file_in_one_rename(root: Path) -> None:
    keys_file = root / "home/core/.ssh/authorized_keys"
    keys_file.parent.mkdir(mode=0o700)
    keys_file.write_bytes(b"old\n")
    for path in (keys_file.parent, keys_file):
        os.chown(path, 500, 500)
    users = [{"name": "core", "sshAuthorizedKeys": ["ssh-ed25519 NEW"]}]
    env = {"IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT": "false"}
    result = run_files(config(passwd={"users": users}), root, _scratch(root), env)
    assert result.returncode == 0, result.output
    info = os.lstat(keys_file)
    assert keys_file.read_bytes() == b"ssh-ed25519 NEW\n"
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (500, 500, 0o600)


def test_the_previous_result_file_is_never_read_out_of_the_root(root: Path) -> None:
    secret = root.parent / "cached-config.json"
    secret.write_text(json.dumps({"user-data": "SECRET-TOKEN"}))
    os.symlink(secret, root / "etc/.ignition-result.json")
    result = run_files(config(), root, _scratch(root))
    assert result.returncode == 0, result.output
    written = root / "etc/.ignition-result.json"
    assert not written.is_symlink()
    assert "SECRET-TOKEN" not in written.read_text()
    assert json.loads(secret.read_text()) == {"user-data": "SECRET-TOKEN"}


def test_account_files_are_never_read_out_of_the_root(root: Path) -> None:
    host_group = root.parent / "host-group"
    host_group.write_text("hostonly:x:4242:\n")
    (root / "etc/group").unlink()
    os.symlink(host_group, root / "etc/group")
    files = [{"path": "/etc/owned", "group": {"name": "hostonly"}}]
    result = run_files(config(storage={"files": files}), root, _scratch(root))
    assert result.returncode != 0, result.output
    assert not (root / "etc/owned").exists()


def test_names_of_255_bytes(root: Path) -> None:
    long = "n" * 255
    (root / "etc/l" / long).parent.mkdir()
    (root / "etc/l" / long).write_bytes(OLD)
    (root / "etc/d").mkdir()
    (root / "etc/d" / long).write_bytes(OLD)
    storage = {
        "files": [
            {"path": f"/etc/{long}", "contents": {"source": "data:,new"}},
            {"path": f"/etc/l/{long}", "append": [{"source": "data:,more"}]},
        ],
        "links": [{"path": f"/etc/l/{long[:-1]}", "target": "/etc", "overwrite": True}],
        "directories": [{"path": f"/etc/d/{long}", "overwrite": True}],
    }
    users = [{"name": "core", "sshAuthorizedKeys": ["ssh-ed25519 KEY"]}]
    result = run_files(config(storage=storage, passwd={"users": users}), root, _scratch(root))
    assert result.returncode == 0, result.output
    assert (root / "etc" / long).read_bytes() == b"new"
    assert (root / "etc/l" / long).read_bytes() == OLD + b"more"
    assert os.readlink(root / "etc/l" / long[:-1]) == "/etc"
    assert (root / "etc/d" / long).is_dir()


OPTION_NAMES: dict[str, dict[str, Any]] = {
    "user": {"passwd": {"users": [{"name": "--help"}]}},
    "user-to-delete": {"passwd": {"users": [{"name": "-h", "shouldExist": False}]}},
    "group": {"passwd": {"groups": [{"name": "--help"}]}},
    "unit-disabled": {"systemd": {"units": [{"name": "-h.service", "enabled": False}]}},
    "unit-enabled": {"systemd": {"units": [{"name": "--help.service", "enabled": True}]}},
}


@pytest.mark.parametrize("sections", OPTION_NAMES.values(), ids=OPTION_NAMES.keys())
def test_names_that_look_like_options_are_refused(root: Path, sections: dict[str, Any]) -> None:
    before = {name: (root / "etc" / name).read_bytes() for name in ("passwd", "group")}
    result = run_files(config(**sections), root, _scratch(root))
    assert result.returncode != 0, result.output
    assert "must not start with" in result.output, result.output
    assert before == {name: (root / "etc" / name).read_bytes() for name in ("passwd", "group")}
    assert not (root / "etc/systemd").exists()


def test_a_preset_line_on_a_full_disk_is_whole_or_absent(root: Path) -> None:
    with tiny_ext4(root / "etc/systemd/system-preset") as presets:
        # room for 10 more bytes in its last block, at the end of a page: a line written
        # in one call goes in part, then hits the full disk
        old = b"#" * (os.sysconf("SC_PAGE_SIZE") - 10)
        (presets / "20-ignition.preset").write_bytes(old)
        fill(presets)
        units = [{"name": "app.service", "enabled": True}]
        result = run_files(config(systemd={"units": units}), root, _scratch(root))
        assert result.returncode != 0, result.output
        assert (presets / "20-ignition.preset").read_bytes() == old


@pytest.mark.parametrize(
    "storage",
    [
        {"directories": [{"path": "/var", "overwrite": True}]},
        {"files": [{"path": "/var", "overwrite": True}]},
        {"links": [{"path": "/var", "target": "/etc", "overwrite": True}]},
    ],
    ids=["directory", "file", "link"],
)
def test_overwrite_never_empties_a_mounted_filesystem(root: Path, storage: dict[str, Any]) -> None:
    with tiny_ext4(root / "var/lib/data") as data:
        (data / "precious").write_bytes(OLD)
        (root / "var/other").write_bytes(OLD)
        result = run_files(config(storage=storage), root, _scratch(root))
        assert result.returncode != 0, result.output
        assert "is mounted there" in result.output, result.output
        assert (data / "precious").read_bytes() == OLD
        assert (root / "var/other").read_bytes() == OLD
