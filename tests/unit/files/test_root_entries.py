"""No entry ever acts on the root itself, even when its path only comes to mean
the root once an earlier entry has made a link (so planning could not see it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ignition_py.config.model import Directory, File, Link
from ignition_py.errors import IgnitionError
from ignition_py.files.entries import DirectoryAction, FileAction, LinkAction
from ignition_py.files.write_context import WriteContext
from ignition_py.log import Logger

PATH = "/d/a/b/../.."  # `/d` when planned; the root once /d/a is a link to /


@pytest.mark.parametrize(
    "make",
    [
        lambda t: FileAction(t, File(path=PATH, overwrite=True), t.path(PATH)),
        lambda t: DirectoryAction(t, Directory(path=PATH, overwrite=True), t.path(PATH)),
        lambda t: LinkAction(t, Link(path=PATH, target="/x", overwrite=True), t.path(PATH)),
    ],
    ids=["file", "directory", "link"],
)
def test_an_entry_that_comes_to_mean_the_root_is_refused(tmp_path: Path, make: object) -> None:
    root = tmp_path / "root"
    (root / "d").mkdir(parents=True)
    (root / "etc").mkdir()
    ctx = WriteContext.at(root)
    action = make(ctx)  # type: ignore[operator]
    assert action.path == root / "d"
    os.symlink("/", root / "d" / "a")
    ctx.reshaped()
    with pytest.raises(IgnitionError, match="is the root itself"):
        action.apply(Logger("files"))
    assert sorted(os.listdir(root)) == ["d", "etc"]
    assert os.path.isdir(root) and not os.path.islink(root)


def test_chmodding_the_root_is_refused(tmp_path: Path) -> None:
    ctx = WriteContext.at(tmp_path)
    before = os.lstat(tmp_path).st_mode
    with pytest.raises(IgnitionError, match="is the root itself"):
        ctx.set_permissions(tmp_path / ".", 0o700, None, None)
    assert os.lstat(tmp_path).st_mode == before
