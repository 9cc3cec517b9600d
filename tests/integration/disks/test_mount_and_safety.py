"""disks, then mount and umount through the real command, the way upstream's harness
drives them (the root prepared between disks and mount); and the refusals: busy devices,
devices that never appear."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from testkit.loopdisks import (
    Before,
    LoopDisk,
    Runner,
    fingerprint,
    loop_disks,
    mounted,
    mounted_under,
    sh,
)
from tests.integration.files.support import Node, Run, make_root, run_ours, snapshot, work_dir
from tests.integration.files.upstream import run_upstream
from tests.oracles import UPSTREAM

from .cases import disk

RESULT = "etc/.ignition-result.json"


def test_mount_shallowest_first_then_umount_deepest_first(tmp_path: Path) -> None:
    root = tmp_path / "sysroot"
    root.mkdir()
    with loop_disks((Before(), Before()), tmp_path) as disks:
        config = {
            "ignition": {"version": "3.3.0"},
            "storage": {
                "filesystems": [
                    {"device": disks[1].device, "format": "ext4", "label": "data",
                     "path": "/var/lib/data", "mountOptions": ["noatime", "nodev"]},
                    {"device": disks[0].device, "format": "ext4", "label": "var", "path": "/var"},
                ]
            },
        }  # fmt: skip
        runner = Runner(tmp_path)
        assert runner.stage("disks", config, root).returncode == 0
        mounting = runner.stage("mount", config, root)
        assert mounting.returncode == 0, mounting.output
        assert mounted_under(disks[0].device) == [str(root / "var")]
        assert mounted_under(disks[1].device) == [str(root / "var/lib/data")]
        assert mounting.output.index(str(root / "var")) < mounting.output.index("var/lib/data")
        options = _mount_options(root / "var/lib/data")
        assert {"noatime", "nodev"} <= options
        for created in (root / "var", root / "var/lib"):
            assert stat.S_IMODE(os.stat(created).st_mode) == 0o755
        (root / "var/lib/data/written").write_text("by the files stage\n")
        unmounting = runner.stage("umount", config, root)
        assert unmounting.returncode == 0, unmounting.output
        assert unmounting.output.index("var/lib/data") < unmounting.output.rindex(f"{root}/var")
        assert mounted_under(disks[0].device) == mounted_under(disks[1].device) == []
        with mounted(disks[1].device, readonly=True) as data:
            assert (data / "written").read_text() == "by the files stage\n"
        with mounted(disks[0].device, readonly=True) as var:
            assert (var / "lib/data").is_dir()  # the mount point, made on /var's filesystem
        state = (tmp_path / "state").read_text()
        assert '"/var/lib/data"' in state and '"/var"' in state


def _mount_options(target: Path) -> set[str]:
    for line in Path("/proc/self/mounts").read_text().splitlines():
        fields = line.split()
        if fields[1] == str(target):
            return set(fields[3].split(","))
    raise AssertionError(f"{target} is not mounted")


def test_mount_refuses_a_symlink_in_the_path(tmp_path: Path) -> None:
    root = tmp_path / "sysroot"
    (root / "elsewhere").mkdir(parents=True)
    (root / "var").symlink_to(root / "elsewhere")
    with loop_disks((Before(mkfs=((0, "ext4", "x"),)),), tmp_path) as disks:
        config = {"ignition": {"version": "3.3.0"}, "storage": {"filesystems": [
            {"device": disks[0].device, "format": "ext4", "path": "/var/lib"}]}}  # fmt: skip
        result = Runner(tmp_path).stage("mount", config, root)
        assert result.returncode == 1
        assert "non-directory component" in result.output
        assert mounted_under(disks[0].device) == []


def test_refuses_to_repartition_a_disk_with_a_mounted_partition(tmp_path: Path) -> None:
    before = Before(sgdisk=("-n", "1:0:+8M"), mkfs=((1, "ext4", "busy"),))
    with loop_disks((before,), tmp_path) as disks, mounted(disks[0].node(1)):
        image = fingerprint(disks[0])
        config = {"ignition": {"version": "3.3.0"},
                  "storage": {"disks": [disk(disks[0].device, {"number": 1, "sizeMiB": 4},
                                             wipe=True)]}}  # fmt: skip
        result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 1
        assert f"refusing to modify {disks[0].node(1)}" in result.output
        assert "is mounted at" in result.output
        assert fingerprint(disks[0]) == image


def test_refuses_to_format_a_mounted_filesystem(tmp_path: Path) -> None:
    with loop_disks((Before(mkfs=((0, "ext4", "busy"),)),), tmp_path) as disks:
        with mounted(disks[0].device):
            config = {"ignition": {"version": "3.3.0"}, "storage": {"filesystems": [
                {"device": disks[0].device, "format": "xfs", "wipeFilesystem": True}]}}  # fmt: skip
            result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
        assert result.returncode == 1
        assert "is mounted at" in result.output
        assert sh("blkid", "-p", "-o", "value", "-s", "TYPE", disks[0].device).strip() == "ext4"


def test_missing_device_times_out_with_its_name(tmp_path: Path) -> None:
    missing = disk("/dev/disk/by-id/no-such-disk", {"number": 1})
    config = {"ignition": {"version": "3.3.0"}, "storage": {"disks": [missing]}}
    runner = Runner(tmp_path, env={"IGNITION_PY_DEVICE_TIMEOUT": "0.5"})
    result = runner.stage("disks", config, tmp_path / "root")
    assert result.returncode == 1
    assert (
        "timed out after 0.5s waiting for device(s) /dev/disk/by-id/no-such-disk" in result.output
    )


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHomeKeyForTheMountStageTest dev@example"


def _home_config(build: str, data: str) -> dict[str, Any]:
    """Mount points below homes (a new user's, an existing user's) and outside them."""
    return {
        "ignition": {"version": "3.4.0"},
        "storage": {
            "filesystems": [
                {"device": build, "format": "ext4", "path": "/home/dev/.cache/build"},
                {"device": data, "format": "ext4", "path": "/home/core/data/x"},
            ],
            "directories": [{"path": "/srv/outside"}],
        },
        "passwd": {
            "users": [
                {"name": "dev", "sshAuthorizedKeys": [KEY]},
                {"name": "core", "sshAuthorizedKeys": [KEY]},
                {"name": "nohome", "homeDir": "/home/dev/.cache", "noCreateHome": True},
            ]
        },
    }


def _nested_config(home: str, deep: str) -> dict[str, Any]:
    """A new /home filesystem, and a mount point that is a user's home itself."""
    return {
        "ignition": {"version": "3.4.0"},
        "storage": {
            "filesystems": [
                {"device": home, "format": "ext4", "path": "/home"},
                {"device": deep, "format": "ext4", "path": "/home/dev/x/y"},
            ]
        },
        "passwd": {
            "users": [
                {"name": "dev", "sshAuthorizedKeys": [KEY]},
                {"name": "y", "homeDir": "/home/dev/x/y", "noCreateHome": True},
                {"name": "core", "noCreateHome": True},  # its home is not on the new /home
            ]
        },
    }


Configure = Callable[[str, str], dict[str, Any]]


def _provision(
    run: Callable[..., Run], configure: Configure, disks: list[LoopDisk], root: Path, work: Path
) -> dict[str, Node]:
    """The agent's mount and files stages on fresh filesystems, one state file. Each agent
    gets disks of its own: a device just unmounted can still be held by a mount namespace
    another process copied meanwhile (the oracles run in some), and then not be mkfs'd."""
    make_root(root)
    config = configure(disks[0].device, disks[1].device)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    try:
        for stage in ("mount", "files"):
            done = run(config, root, work, stage=stage, env=env)
            assert done.returncode == 0, done.output
        return {
            path: node
            for path, node in snapshot(root, skip=(RESULT,)).items()
            if path.startswith(
                ("home", "srv", "etc/passwd", "etc/shadow", "etc/group", "etc/gshadow")
            )
        }
    finally:
        for target in sorted((t for d in disks for t in mounted_under(d.device)), reverse=True):
            sh("umount", target)


HOMES = {
    "below-homes": (
        _home_config,
        ["/home/dev", "/home/dev/.cache", "/home/dev/.cache/build",
         "/home/core/data", "/home/core/data/x"],
        ["home/dev", "home/dev/.cache", "home/dev/.cache/build"],
    ),
    "home-is-a-mount-point": (
        _nested_config,
        ["/home/dev", "/home/dev/x", "/home/dev/x/y"],
        ["home/dev", "home/dev/x", "home/dev/x/y"],  # y: the mounted filesystem's root
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", HOMES)
def test_mount_points_in_a_home_become_the_users_before_keys_are_written(
    name: str, tmp_path: Path
) -> None:
    """The mount stage records the directories it creates; the files stage hands those at
    or below a user's home (new or existing user, not noCreateHome) to the user, 0700,
    before writing the user's keys as the user: same tree as upstream v2.26.0."""
    configure, notated, devs = HOMES[name]
    fresh = Before(mkfs=((0, "ext4", "fresh"),))
    with loop_disks((fresh,) * 4, tmp_path) as disks, work_dir() as work:
        ours = _provision(run_ours, configure, disks[:2], work / "ours", work / "ours-scratch")
        state = json.loads((work / "ours-scratch/state").read_text())
        assert state["notatedDirectories"] == notated
        dev = ours["home/dev/.ssh/authorized_keys.d/ignition"]
        for mine in devs:
            assert ours[mine] == ("dir", "0o700", dev[2], dev[3]), mine
        if name == "below-homes":
            assert ours["home/core/data"] == ours["home/core/data/x"] == ("dir", "0o700", 500, 500)
            assert ours["home/core"] == ("dir", "0o755", 500, 500)  # existed: left alone
            assert ours["srv/outside"] == ("dir", "0o755", 0, 0)
        if UPSTREAM.present():
            up = work / "up", work / "up-scratch"
            theirs = _provision(run_upstream, configure, disks[2:], *up)
            assert ours == theirs
            their_state = json.loads((work / "up-scratch/state").read_text())
            assert their_state["notatedDirectories"] == notated
        else:
            print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
