"""Upstream's creation order: by depth of the resolved path, hard links last."""

from __future__ import annotations

from pathlib import Path

import pytest

from ignition_py.config.model import Directory, File, Link, Storage
from ignition_py.errors import IgnitionError
from ignition_py.files.ordering import plan_entries
from ignition_py.files.write_context import WriteContext


def order(storage: Storage, root: Path) -> list[str]:
    ctx = WriteContext.at(root)
    return ["/" + str(a.path.relative_to(ctx.root)) for a in plan_entries(storage, ctx)]


def test_shallow_first_then_hard_links_in_config_order(tmp_path: Path) -> None:
    storage = Storage(
        files=(File(path="/a/b/c/file"), File(path="/top")),
        directories=(Directory(path="/a/b"), Directory(path="/a")),
        links=(
            Link(path="/h1", target="/a/b/c/file", hard=True),
            Link(path="/a/sym", target="/top"),
            Link(path="/h0", target="/top", hard=True),
        ),
    )
    assert order(storage, tmp_path) == ["/a", "/top", "/a/b", "/a/sym", "/a/b/c/file", "/h1", "/h0"]


def test_depth_is_that_of_the_resolved_path(tmp_path: Path) -> None:
    (tmp_path / "short").symlink_to("/very/deep/place")
    storage = Storage(files=(File(path="/short/f"), File(path="/x/y/z")))
    assert order(storage, tmp_path) == ["/x/y/z", "/very/deep/place/f"]


def test_two_entries_resolving_to_one_place_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    (tmp_path / "alias").symlink_to("etc")
    storage = Storage(files=(File(path="/etc/motd"),), directories=(Directory(path="/alias/motd"),))
    with pytest.raises(IgnitionError, match="another entry with path /alias/motd"):
        plan_entries(storage, WriteContext.at(tmp_path))


def test_nothing_to_do_without_storage(tmp_path: Path) -> None:
    assert plan_entries(None, WriteContext.at(tmp_path)) == []
