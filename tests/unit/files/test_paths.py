"""Path resolution inside the root, against hostile symlinks in it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ignition_py.files.root_paths import (
    PathResolutionError,
    make_parents,
    read_in_root,
    relative_to_root,
    resolve_in_root,
)
from ignition_py.path_depth import depth


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "root" / "etc").mkdir(parents=True)
    return tmp_path / "root"


def test_plain_path_is_joined(root: Path) -> None:
    assert resolve_in_root(root, "/etc/motd") == root / "etc" / "motd"


def test_absolute_link_restarts_at_the_root_not_the_host(root: Path) -> None:
    (root / "etc" / "evil").symlink_to("/var/lib")
    assert resolve_in_root(root, "/etc/evil/x") == root / "var" / "lib" / "x"


def test_dot_dot_never_climbs_above_the_root(root: Path) -> None:
    (root / "etc" / "up").symlink_to("../../../../../../tmp")
    assert resolve_in_root(root, "/etc/up/x") == root / "tmp" / "x"


def test_chains_of_links_are_followed_to_the_end(root: Path) -> None:
    (root / "a").symlink_to("/b")
    (root / "b").symlink_to("c/d")
    (root / "c").mkdir()
    (root / "c" / "d").symlink_to("/../../e")
    assert resolve_in_root(root, "/a/file") == root / "e" / "file"


def test_relative_link_is_relative_to_its_directory(root: Path) -> None:
    (root / "etc" / "sub").mkdir()
    (root / "etc" / "sub" / "l").symlink_to("../other")
    assert resolve_in_root(root, "/etc/sub/l/f") == root / "etc" / "other" / "f"


def test_last_component_is_never_followed(root: Path) -> None:
    (root / "etc" / "motd").symlink_to("/etc/shadow")
    assert resolve_in_root(root, "/etc/motd") == root / "etc" / "motd"


def test_parts_are_joined_before_resolving(root: Path) -> None:
    (root / "home").symlink_to("/var/home")
    assert resolve_in_root(root, "/home/core", ".ssh", "k") == root / "var/home/core/.ssh/k"


def test_symlink_loop_is_an_error(root: Path) -> None:
    (root / "loop1").symlink_to("/loop2")
    (root / "loop2").symlink_to("/loop1")
    with pytest.raises(PathResolutionError, match="too many levels"):
        resolve_in_root(root, "/loop1/x")


def test_depth_counts_components() -> None:
    assert [depth("/"), depth("/a"), depth("/a/b/"), depth("/a//b/c")] == [0, 1, 2, 3]


def test_relative_to_root(root: Path) -> None:
    assert relative_to_root(root, root / "etc" / "motd") == "/etc/motd"
    assert relative_to_root(root, root) == "/"


def test_make_parents_creates_0755_directories(root: Path) -> None:
    old = os.umask(0o077)
    try:
        make_parents(root, root / "opt" / "a" / "b" / "file")
    finally:
        os.umask(old)
    for directory in (root / "opt", root / "opt" / "a", root / "opt" / "a" / "b"):
        assert directory.is_dir() and (directory.stat().st_mode & 0o777) == 0o755


def test_make_parents_refuses_a_file_in_the_way(root: Path) -> None:
    (root / "opt").write_text("not a directory")
    with pytest.raises(Exception, match="/opt exists and is not a directory"):
        make_parents(root, root / "opt" / "a" / "file")


def test_reading_follows_the_last_link_inside_the_root_only(root: Path, tmp_path: Path) -> None:
    (tmp_path / "host-secret").write_text("secret")
    (root / "etc" / "out").symlink_to(tmp_path / "host-secret")
    (root / "etc" / "real").write_text("inside")
    (root / "etc" / "in").symlink_to("../etc/real")
    assert read_in_root(root, "/etc/out") is None
    assert read_in_root(root, "/etc/in") == b"inside"
    assert resolve_in_root(root, "/etc/in", follow_last=True) == root / "etc" / "real"
