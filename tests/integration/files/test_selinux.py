"""SELinux relabelling at the end of the files stage, with Debian's real `setfiles` and a
small policy's file_contexts in the root: the labels land in `security.selinux` xattrs
(the host needs no SELinux for that), read back here, and compared with what v2.26.0's
own run of setfiles leaves on a copy of the same root."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from testkit.loopdisks import Before, loop_disks
from tests.oracles import UPSTREAM

from .support import NOT_ROOT, make_root, run_ours, work_dir
from .upstream import run_both, run_upstream

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)

SETFILES = shutil.which("setfiles") or "/usr/sbin/setfiles"
if not os.path.exists(SETFILES):
    print("skipping SELinux relabel tests: setfiles is missing (apt-get install policycoreutils)")
needs_setfiles = pytest.mark.skipif(
    not os.path.exists(SETFILES), reason="setfiles is missing (policycoreutils)"
)

CONTEXTS = """\
/.*\tsystem_u:object_r:default_t:s0
/etc(/.*)?\tsystem_u:object_r:etc_t:s0
/etc/passwd.*\tsystem_u:object_r:passwd_file_t:s0
/etc/shadow.*\tsystem_u:object_r:shadow_t:s0
/etc/systemd/system(/.*)?\tsystem_u:object_r:systemd_unit_file_t:s0
/home/[^/]+(/.*)?\tsystem_u:object_r:user_home_t:s0
/home/[^/]+/\\.ssh(/.*)?\tsystem_u:object_r:ssh_home_t:s0
/opt(/.*)?\tsystem_u:object_r:usr_t:s0
/srv(/.*)?\tsystem_u:object_r:var_t:s0
"""
# Records each run (argv, then the NUL-separated list) and runs the real setfiles.
RECORDING_SETFILES = f"""#!/bin/sh
log="$(dirname "$0")/setfiles.log"
cat > "$log.stdin"
echo "$@" >> "$log"
exec {SETFILES} "$@" < "$log.stdin"
"""
SCRIPTS = {"setfiles": RECORDING_SETFILES}

CONFIG: dict[str, Any] = {
    "ignition": {"version": "3.4.0"},
    "passwd": {
        "users": [{"name": "alice", "sshAuthorizedKeys": ["ssh-ed25519 AAAAC3Nza alice@host"]}],
        "groups": [{"name": "ops"}],
    },
    "storage": {
        "files": [
            {"path": "/opt/app/bin/tool", "mode": 493, "contents": {"source": "data:,x"}},
            {"path": "/etc/motd", "contents": {"source": "data:,hello"}},
        ],
        "directories": [{"path": "/var/lib/thing/deep"}],
        "links": [{"path": "/etc/localtime", "target": "/usr/share/zoneinfo/UTC"}],
    },
    "systemd": {
        "units": [
            {
                "name": "app.service",
                "enabled": True,
                "contents": "[Service]\nExecStart=/opt/app/bin/tool\n"
                "[Install]\nWantedBy=multi-user.target\n",
                "dropins": [{"name": "env.conf", "contents": "[Service]\nEnvironment=A=1\n"}],
            },
            {"name": "unwanted.service", "mask": True},
        ]
    },
}


def with_policy(root: Path) -> None:
    (root / "etc/selinux/config").write_text("SELINUX=enforcing\nSELINUXTYPE=small\n")
    contexts = root / "etc/selinux/small/contexts/files/file_contexts"
    contexts.parent.mkdir(parents=True)
    contexts.write_text(CONTEXTS)
    (root / "usr/share/zoneinfo").mkdir(parents=True)
    (root / "usr/share/zoneinfo/UTC").write_text("TZif\n")


def labels(root: Path) -> dict[str, str]:
    """Every labelled path under root (links themselves, not followed) and its label."""
    found: dict[str, str] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory) / name
            try:
                value = os.getxattr(path, "security.selinux", follow_symlinks=False)
            except OSError:
                continue
            found[str(path.relative_to(root))] = value.rstrip(b"\0").decode()
    return found


def _type(label: str) -> str:
    return label.split(":")[2]


@needs_setfiles
def test_written_paths_get_the_policys_labels_as_upstream_labels_them() -> None:
    with work_dir() as work:
        pair = run_both(work, CONFIG, setup=with_policy, scripts=SCRIPTS)
        assert pair.ours.returncode == 0, pair.ours.output
        ours = {path: _type(label) for path, label in labels(pair.ours_root).items()}
        expected = {
            "opt": "usr_t",  # the first missing component, labelled with all below it
            "opt/app/bin/tool": "usr_t",
            "etc/motd": "etc_t",
            "var/lib": "default_t",
            "var/lib/thing/deep": "default_t",
            "etc/localtime": "etc_t",
            "etc/passwd": "passwd_file_t",
            "etc/shadow": "shadow_t",
            "etc/group": "etc_t",
            "home/alice": "user_home_t",
            "home/alice/.ssh/authorized_keys.d/ignition": "ssh_home_t",
            "etc/systemd/system/app.service": "systemd_unit_file_t",
            "etc/systemd/system/app.service.d/env.conf": "systemd_unit_file_t",
            "etc/systemd/system/unwanted.service": "systemd_unit_file_t",
            "etc/systemd/system-preset": "etc_t",
            "etc/.ignition-result.json": "etc_t",
        }
        assert {path: ours.get(path) for path in expected} == expected
        # what the stage did not write keeps no label
        for untouched in ("etc/login.defs", "etc/skel/.profile", "usr/share/zoneinfo/UTC"):
            assert untouched not in ours
        if pair.upstream is not None:
            assert pair.upstream.returncode == 0, pair.upstream.output
            assert labels(pair.ours_root) == labels(pair.upstream_root)


@needs_setfiles
def test_a_root_without_a_policy_runs_no_setfiles() -> None:
    """make_root's /etc/selinux/config names a type whose file_contexts is absent."""
    with work_dir() as work:
        pair = run_both(work, CONFIG, scripts=SCRIPTS)
        assert pair.ours.returncode == 0, pair.ours.output
        assert not (work / "ours-bin/setfiles.log").exists()
        assert labels(pair.ours_root) == {}


@needs_setfiles
def test_a_setfiles_failure_fails_the_stage() -> None:
    def broken_policy(root: Path) -> None:
        with_policy(root)
        (root / "etc/selinux/small/contexts/files/file_contexts").write_text(
            "/(.*\tsystem_u:object_r:x_t:s0\n"
        )

    with work_dir() as work:
        config = {"ignition": {"version": "3.4.0"}, "storage": CONFIG["storage"]}
        pair = run_both(work, config, setup=broken_policy, scripts=SCRIPTS)
        assert pair.ours.returncode == 1, pair.ours.output
        assert "Ignition failed: failed to handle relabeling: setfiles" in pair.ours.output
        assert "line 1 has invalid regex" in pair.ours.output
        if pair.upstream is not None:
            assert pair.upstream.returncode == 1, pair.upstream.output


# one whole-disk ext4 filesystem for the mount stage to mount
EXT4_DISK = (Before(size_mib=32, mkfs=((0, "ext4", "data"),)),)


def _mount_config(device: str) -> dict[str, Any]:
    filesystem = {"device": device, "format": "ext4", "path": "/srv/data"}
    return {"ignition": {"version": "3.4.0"}, "storage": {"filesystems": [filesystem]}}


@needs_setfiles
@pytest.mark.skipif(shutil.which("losetup") is None, reason="losetup is missing")
def test_the_mount_stage_labels_the_mount_points_it_makes_and_fresh_filesystems() -> None:
    with work_dir() as work, loop_disks(EXT4_DISK, work) as (mine,):
        root = work / "ours"
        make_root(root)
        with_policy(root)
        done = run_ours(_mount_config(mine.device), root, work / "ours-scratch", stage="mount")
        try:
            assert done.returncode == 0, done.output
            ours = labels(root)
        finally:
            subprocess.run(["umount", str(root / "srv/data")], check=False)
        # /srv was made (labelled with what is below it), then the empty filesystem's root
        assert {k: _type(v) for k, v in ours.items()} == {
            "srv": "var_t",
            "srv/data": "var_t",
            "srv/data/lost+found": "var_t",
        }
        # the mount point itself was labelled in the root filesystem before mounting
        assert set(labels(root)) == {"srv", "srv/data"}
        if not UPSTREAM.present():
            print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
            return
        (work / "upstream-disks").mkdir()
        with loop_disks(EXT4_DISK, work / "upstream-disks") as (theirs,):
            other = work / "upstream"
            make_root(other)
            with_policy(other)
            config = _mount_config(theirs.device)
            upstream = run_upstream(
                config, other, work / "up-scratch", stage="mount", scripts=SCRIPTS
            )
            try:
                assert upstream.returncode == 0, upstream.output
                assert labels(other) == ours
            finally:
                subprocess.run(["umount", str(other / "srv/data")], check=False)
            assert labels(other) == labels(root)


def _three_mounts_config(devices: list[str]) -> dict[str, Any]:
    paths = ("/srv/data", "/srv/data/inner", "/opt/cache")  # the second inside the first
    filesystems = [
        {"device": device, "format": "ext4", "path": path}
        for device, path in zip(devices, paths, strict=True)
    ]
    return {"ignition": {"version": "3.4.0"}, "storage": {"filesystems": filesystems}}


def _unmount_all(root: Path) -> None:
    for inner in ("opt/cache", "srv/data/inner", "srv/data"):
        subprocess.run(["umount", str(root / inner)], check=False)


@needs_setfiles
@pytest.mark.skipif(shutil.which("losetup") is None, reason="losetup is missing")
def test_three_mounts_are_labelled_as_upstream_labels_them_in_four_setfiles_runs() -> None:
    """A mount point left to label after one mount goes with the next mount's new
    directories (system.mounts.mount): 4 setfiles runs for 3 fresh filesystems, not 6."""
    disks = EXT4_DISK * 3
    with work_dir() as work, loop_disks(disks, work) as mine:
        root = work / "ours"
        make_root(root)
        with_policy(root)
        config = _three_mounts_config([disk.device for disk in mine])
        done = run_ours(config, root, work / "ours-scratch", stage="mount")
        try:
            assert done.returncode == 0, done.output
            ours = labels(root)
        finally:
            _unmount_all(root)
        assert done.output.count("relabeling ") == 4, done.output
        assert {k: _type(v) for k, v in ours.items()} == {
            "srv": "var_t", "srv/data": "var_t", "srv/data/lost+found": "var_t",
            "srv/data/inner": "var_t", "srv/data/inner/lost+found": "var_t",
            "opt": "usr_t", "opt/cache": "usr_t", "opt/cache/lost+found": "usr_t",
        }  # fmt: skip
        if not UPSTREAM.present():
            print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
            return
        (work / "upstream-disks").mkdir()
        with loop_disks(disks, work / "upstream-disks") as theirs:
            other = work / "upstream"
            make_root(other)
            with_policy(other)
            config = _three_mounts_config([disk.device for disk in theirs])
            scratch = work / "up-scratch"
            upstream = run_upstream(config, other, scratch, stage="mount", scripts=SCRIPTS)
            try:
                assert upstream.returncode == 0, upstream.output
                assert labels(other) == ours
            finally:
                _unmount_all(other)


@needs_setfiles
@pytest.mark.skipif(shutil.which("losetup") is None, reason="losetup is missing")
def test_a_mount_point_left_to_label_is_labelled_when_the_next_mount_fails() -> None:
    """The next mount point runs through a file, so that mount fails before it is made:
    the first filesystem's empty root, carried to it, is still labelled."""
    with work_dir() as work, loop_disks(EXT4_DISK * 2, work) as mine:
        root = work / "ours"
        make_root(root)
        with_policy(root)
        (root / "opt").mkdir(exist_ok=True)
        (root / "opt/cache").write_text("a file where a directory should be\n")
        config = _three_mounts_config([disk.device for disk in mine] + ["/dev/null"])
        config["storage"]["filesystems"][1]["path"] = "/opt/cache/inner"
        del config["storage"]["filesystems"][2]
        done = run_ours(config, root, work / "ours-scratch", stage="mount")
        try:
            assert done.returncode == 1, done.output
            assert "non-directory component" in done.output
            ours = labels(root)
        finally:
            _unmount_all(root)
        assert _type(ours["srv/data"]) == "var_t"
        assert _type(ours["srv/data/lost+found"]) == "var_t"  # labelled while mounted
        assert done.output.count("relabeling ") == 2, done.output


@needs_setfiles
def test_a_home_that_is_a_link_is_labelled_at_its_target_not_the_link() -> None:
    """OSTree's /root -> var/roothome: the link keeps its own label (none here)."""

    def ostree_root(root: Path) -> None:
        with_policy(root)
        (root / "var/roothome").mkdir(mode=0o700)
        (root / "root").rmdir()
        (root / "root").symlink_to("var/roothome")

    config = {
        "ignition": {"version": "3.4.0"},
        "passwd": {"users": [{"name": "root", "sshAuthorizedKeys": ["ssh-ed25519 AAAAC3Nza r"]}]},
    }
    with work_dir() as work:
        pair = run_both(work, config, setup=ostree_root, scripts=SCRIPTS)
        assert pair.ours.returncode == 0, pair.ours.output
        ours = labels(pair.ours_root)
        assert "root" not in ours
        assert _type(ours["var/roothome"]) == "default_t"
        assert _type(ours["var/roothome/.ssh/authorized_keys.d/ignition"]) == "default_t"
        if pair.upstream is not None:
            assert pair.upstream.returncode == 0, pair.upstream.output
            assert labels(pair.upstream_root) == ours


def test_policy_is_found_only_where_the_config_names_a_type_with_file_contexts(
    tmp_path: Path,
) -> None:
    from ignition_py.files.relabel import policy_file_contexts

    config = tmp_path / "etc/selinux/config"
    assert policy_file_contexts(tmp_path) is None  # no config
    config.parent.mkdir(parents=True)
    config.write_text("SELINUX=enforcing\n")
    assert policy_file_contexts(tmp_path) is None  # no type
    config.write_text("SELINUXTYPE=\n")
    assert policy_file_contexts(tmp_path) is None  # empty type
    config.write_text("# comment\n  SELINUXTYPE=small  \nSELINUXTYPE=other\n")
    assert policy_file_contexts(tmp_path) is None  # the type's file_contexts is absent
    contexts = tmp_path / "etc/selinux/small/contexts/files/file_contexts"
    contexts.parent.mkdir(parents=True)
    contexts.write_text(CONTEXTS)
    assert policy_file_contexts(tmp_path) == contexts  # the first SELINUXTYPE= line


def test_a_policy_without_setfiles_fails_before_anything_is_written() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        with_policy(root)
        config = {"ignition": {"version": "3.4.0"}, "storage": CONFIG["storage"]}
        done = run_ours(config, root, work / "scratch", env={"PATH": "/usr/bin:/bin"})
        assert done.returncode == 1
        assert "required tools not found in PATH: setfiles" in done.output
        assert not (root / "etc/motd").exists()
        assert not (root / "etc/.ignition-result.json").exists()


@needs_setfiles
def test_homes_are_labelled_inside_the_root_even_through_an_absolute_link() -> None:
    """/home is a link to an absolute path that also exists on the host: the home
    labelled is the one inside the root, never the host's."""
    with work_dir() as work:
        outside = work / "outside"
        (outside / "core").mkdir(parents=True)
        root = work / "root"
        make_root(root)
        with_policy(root)
        inside = root / str(outside).lstrip("/")
        inside.mkdir(parents=True)
        (root / "home/core").rename(inside / "core")
        (root / "home").rmdir()
        (root / "home").symlink_to(outside)
        config = {
            "ignition": {"version": "3.4.0"},
            "passwd": {"users": [{"name": "core", "sshAuthorizedKeys": ["ssh-ed25519 AAAA c"]}]},
        }
        done = run_ours(config, root, work / "scratch", env={"PATH": os.environ["PATH"]})
        assert done.returncode == 0, done.output
        assert labels(outside) == {}
        assert _type(labels(root)[str(inside.relative_to(root) / "core")]) == "default_t"


@needs_setfiles
def test_account_files_are_labelled_inside_the_root_even_through_an_absolute_link() -> None:
    """/etc is a link to an absolute path that also exists on the host, with a passwd of
    its own: the account files labelled are the root's."""
    with work_dir() as work:
        outside = work / "hostetc"
        outside.mkdir()
        (outside / "passwd").write_text("host:x:0:0::/:/bin/sh\n")
        root = work / "root"
        make_root(root)
        with_policy(root)
        inside = root / str(outside).lstrip("/")
        inside.parent.mkdir(parents=True)
        (root / "etc").rename(inside)
        (root / "etc").symlink_to(outside)
        config = {"ignition": {"version": "3.4.0"}, "passwd": {"groups": [{"name": "ops"}]}}
        done = run_ours(config, root, work / "scratch", env={"PATH": os.environ["PATH"]})
        assert done.returncode == 0, done.output
        assert labels(outside) == {}
        # labelled for where it really is in the root (not under /etc)
        assert _type(labels(root)[str(inside.relative_to(root) / "group")]) == "default_t"
