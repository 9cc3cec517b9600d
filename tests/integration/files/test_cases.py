"""The files stage through the real `ignition` command against a root tree, one
declarative case at a time, read back with lstat."""

from __future__ import annotations

import copy
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from .cases import HASH, NEGATIVE, POSITIVE, SECRET_TEXT, Case
from .support import NOT_ROOT, make_root, run_ours, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)


def versioned(case: Case, version: str) -> dict[str, Any]:
    config = copy.deepcopy(case.config)
    return {"ignition": {"version": version}, **config}


def newest(case: Case) -> str:
    return case.since if case.since > "3.3.0" else "3.3.0"


def check_tree(case: Case, root: Path) -> None:
    for relative, want in case.paths.items():
        path = root / relative
        if want.kind == "absent":
            assert not os.path.lexists(path), f"{relative} should not exist"
            continue
        info = os.lstat(path)
        kind = {stat.S_IFREG: "file", stat.S_IFDIR: "dir", stat.S_IFLNK: "link"}[
            stat.S_IFMT(info.st_mode)
        ]
        assert kind == want.kind, relative
        if want.mode is not None:
            assert oct(stat.S_IMODE(info.st_mode)) == oct(want.mode), relative
        if want.uid is not None:
            assert (info.st_uid, info.st_gid) == (want.uid, want.gid), relative
        if want.data is not None:
            assert path.read_bytes() == want.data, relative
        if want.target is not None:
            assert os.readlink(path) == want.target, relative
        if want.same_as is not None:
            assert info.st_ino == os.lstat(root / want.same_as).st_ino, relative
    for relative, prefixes in case.lines.items():
        lines = (root / relative).read_text().splitlines()
        for prefix in prefixes:
            assert any(line.startswith(prefix) for line in lines), (relative, prefix, lines)


def leftovers(root: Path) -> list[str]:
    return [str(p) for p in root.rglob("*.ignition") if p.name.startswith(".")]


@pytest.mark.parametrize("case", POSITIVE, ids=lambda case: case.name)
def test_case(case: Case) -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        if case.setup:
            case.setup(root)
        done = run_ours(versioned(case, newest(case)), root, work / "scratch", env=case.env)
        assert done.returncode == 0, done.output
        check_tree(case, root)
        assert (root / "etc/.ignition-result.json").exists()
        assert HASH not in done.output
        assert leftovers(root) == []


@pytest.mark.parametrize("case", NEGATIVE, ids=lambda case: case.name)
def test_negative_case(case: Case) -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        if case.setup:
            case.setup(root)
        done = run_ours(versioned(case, newest(case)), root, work / "scratch")
        assert done.returncode == 1, done.output
        assert case.error is not None and case.error in done.output, done.output
        assert "Traceback" not in done.output
        assert SECRET_TEXT.decode().strip() not in done.output
        check_tree(case, root)
        assert leftovers(root) == []
        assert not (root / "etc/.ignition-result.json").exists()


def test_links_in_the_root_never_lead_outside_it() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        host = work / "host-directory"
        host.mkdir()
        (root / "etc/to-host").symlink_to(host)  # absolute: a host path
        (root / "etc/climb").symlink_to("../" * 12 + str(host).lstrip("/"))
        (root / "etc/chain").symlink_to("/etc/climb")
        config = {
            "ignition": {"version": "3.3.0"},
            "storage": {
                "files": [
                    {"path": "/etc/to-host/a", "contents": {"source": "data:,a"}},
                    {"path": "/etc/climb/b", "contents": {"source": "data:,b"}},
                    {"path": "/etc/chain/sub/c", "contents": {"source": "data:,c"}},
                ],
                "links": [{"path": "/etc/to-host/hard", "target": "/etc/chain/b", "hard": True}],
            },
        }
        done = run_ours(config, root, work / "scratch")
        assert done.returncode == 0, done.output
        assert list(host.iterdir()) == []
        inside = root / str(host).lstrip("/")
        assert sorted(p.name for p in inside.iterdir()) == ["a", "b", "hard", "sub"]
        assert (inside / "sub" / "c").read_text() == "c"
        assert (inside / "hard").stat().st_ino == (inside / "b").stat().st_ino


def test_ssh_keys_are_written_as_the_user() -> None:
    """A user-owned ~/.ssh that links into /etc cannot make root write there."""
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        (root / "home/core/.ssh").mkdir()
        os.chown(root / "home/core/.ssh", 500, 500)
        (root / "home/core/.ssh/authorized_keys.d").symlink_to("/etc")
        config = {
            "ignition": {"version": "3.3.0"},
            "passwd": {"users": [{"name": "core", "sshAuthorizedKeys": ["ssh-ed25519 AAAA x"]}]},
        }
        done = run_ours(config, root, work / "scratch")
        assert done.returncode == 1
        assert "failed to set SSH key: Permission denied" in done.output
        assert not (root / "etc/ignition").exists()
