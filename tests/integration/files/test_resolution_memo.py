"""The files stage remembers what resolving paths inside the root learnt (which
components are links) until the tree may change shape: a node replacing a link or a
directory, or a tool (useradd, from /etc/skel) run. Each test fails when what changed
the shape is not noticed, and the remembered answer is used instead of the root's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.stagerun import noop_setfiles

from .support import NOT_ROOT, make_root, run_ours, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)


@pytest.fixture
def root() -> Iterator[Path]:
    with work_dir() as work:
        made = work / "root"
        make_root(made)
        (made / "srv/data").mkdir(parents=True)
        (made / "data").symlink_to("/srv/data")
        yield made


def _config(**sections: Any) -> dict[str, Any]:
    return {"ignition": {"version": "3.4.0"}, **sections}


def test_a_directory_replacing_a_link_takes_the_entries_below_it(root: Path) -> None:
    storage = {
        "directories": [{"path": "/data", "overwrite": True}],
        "files": [{"path": "/data/x", "contents": {"source": "data:,x"}}],
    }
    run = run_ours(_config(storage=storage), root, root.parent / "scratch")
    assert run.returncode == 0, run.output
    assert (root / "data").is_dir() and not (root / "data").is_symlink()
    assert (root / "data/x").read_text() == "x"
    assert not (root / "srv/data/x").exists()


def test_a_file_replacing_a_link_is_not_gone_through(root: Path) -> None:
    storage = {
        "files": [
            {"path": "/data", "overwrite": True, "contents": {"source": "data:,f"}},
            {"path": "/data/x", "contents": {"source": "data:,x"}},
        ]
    }
    run = run_ours(_config(storage=storage), root, root.parent / "scratch")
    assert run.returncode != 0
    assert 'failed to create file "/data/x"' in run.output
    assert not (root / "srv/data/x").exists()


def test_links_useradd_copies_from_skel_are_followed(root: Path) -> None:
    # An SELinux policy makes the plan resolve every entry's path before useradd runs.
    (root / "etc/selinux/config").write_text("SELINUX=enforcing\nSELINUXTYPE=small\n")
    contexts = root / "etc/selinux/small/contexts/files/file_contexts"
    contexts.parent.mkdir(parents=True)
    contexts.write_text("/.*\tsystem_u:object_r:default_t:s0\n")
    (root / "etc/skel/.config").symlink_to("/srv/data")
    config = _config(
        passwd={"users": [{"name": "alice"}]},
        storage={"files": [{"path": "/home/alice/.config/x", "contents": {"source": "data:,x"}}]},
    )
    scratch = root.parent / "scratch"
    path = f"{noop_setfiles(scratch / 'bin')}:{os.environ.get('PATH', '/usr/sbin:/usr/bin')}"
    run = run_ours(config, root, scratch, env={"PATH": path})
    assert run.returncode == 0, run.output
    assert (root / "home/alice/.config").is_symlink()
    assert (root / "srv/data/x").read_text() == "x"


def test_ssh_keys_written_over_a_link_take_the_paths_below_it() -> None:
    """The SSH keys are written as the user, outside the write context: a link they replace
    (found while a home directory below it was resolved) must not be followed afterwards
    for a storage file under the same path."""
    import io

    from ignition_py.config.model import File, Resource
    from ignition_py.files.entries import FileAction
    from ignition_py.files.home_dirs import HomeDirPermissionsAction
    from ignition_py.files.ssh_keys import SSHKeysAction
    from ignition_py.files.write_context import WriteContext
    from ignition_py.log import Logger

    with work_dir() as work:
        root = work / "root"
        (root / "etc").mkdir(parents=True)
        (root / "etc/passwd").write_text(
            "root:x:0:0::/root:/bin/sh\nu:x:1000:1000::/home/u:/bin/sh\n"
        )
        (root / "etc/group").write_text("root:x:0:\nu:x:1000:\n")
        ssh = root / "home/u/.ssh"
        ssh.mkdir(parents=True)
        for owned in (root / "home/u", ssh):
            os.chown(owned, 1000, 1000)
        (root / "srv/keys/mnt").mkdir(parents=True)
        (ssh / "authorized_keys").symlink_to("/srv/keys")
        log = Logger("files", stream=io.StringIO())
        ctx = WriteContext.at(root)
        HomeDirPermissionsAction(ctx, "u", ("/home/u/.ssh/authorized_keys/mnt",)).apply(log)
        SSHKeysAction(ctx, "u", ("ssh-ed25519 AAAAC3 k",), False).apply(log)
        assert (ssh / "authorized_keys").is_file()
        node = File(path="/home/u/.ssh/authorized_keys/mnt/x", contents=Resource(source="data:,x"))
        with pytest.raises(Exception, match=r"[Nn]ot a directory"):
            FileAction(ctx, node, ctx.path(node.path), ctx.generation).apply(log)
        assert not (root / "srv/keys/mnt/x").exists(), "written through a link that is gone"
