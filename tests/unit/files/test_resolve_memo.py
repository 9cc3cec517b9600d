"""resolve_in_root with a ResolveMemo gives what it gives without one, on the first
call and on every later one answered from the memo: links absolute and relative,
chains, `..` after a link, links to files, loops."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ignition_py.files.root_paths import PathResolutionError, ResolveMemo, resolve_in_root

PATHS = [
    "/etc/app/x", "/etc/app", "/abs/x", "/rel/x", "/chain/x", "/rel/../x", "/abs/../../x",
    "/up/x", "/file-link/x", "/missing/a/b", "/etc/../abs/x", "/", "/etc/..", "/abs/",
    "/abs/./y/../z", "/chain", "relative/x",
]  # fmt: skip


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "etc/app").mkdir(parents=True)
    (tmp_path / "srv/data").mkdir(parents=True)
    (tmp_path / "srv/file").write_text("x")
    os.symlink("/srv/data", tmp_path / "abs")
    os.symlink("srv/data", tmp_path / "rel")
    os.symlink("/abs", tmp_path / "chain")
    os.symlink("../../..", tmp_path / "srv/data/up")
    os.symlink("/srv/data/up", tmp_path / "up")
    os.symlink("/srv/file", tmp_path / "file-link")
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    return tmp_path


@pytest.mark.parametrize("follow_last", [False, True])
def test_the_memo_never_changes_an_answer(root: Path, follow_last: bool) -> None:
    memo = ResolveMemo()
    expected = [resolve_in_root(root, path, follow_last=follow_last) for path in PATHS]
    for _ in range(2):
        got = [resolve_in_root(root, path, follow_last=follow_last, known=memo) for path in PATHS]
        assert got == expected
    assert memo.links, "the memo learnt nothing"


def test_a_loop_is_an_error_with_or_without_the_memo(root: Path) -> None:
    memo = ResolveMemo()
    for _ in range(2):
        with pytest.raises(PathResolutionError, match="too many levels"):
            resolve_in_root(root, "/loop-a/x", known=memo)
    with pytest.raises(PathResolutionError, match="too many levels"):
        resolve_in_root(root, "/loop-a/x")
