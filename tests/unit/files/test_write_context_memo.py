"""What the files stage's WriteContext remembers of the tree (links, resolved parents,
directories it found or made) is forgotten when a write replaces a directory or a link:
later paths through it are looked at again."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ignition_py.errors import IgnitionError
from ignition_py.files.write_context import WriteContext


def _write(ctx: WriteContext, path: Path, data: bytes) -> None:
    ctx.write_file(path, [lambda: io.BytesIO(data)], uid=0, gid=0, mode=0o644)


def test_a_directory_replaced_by_a_file_is_not_a_parent_any_more(tmp_path: Path) -> None:
    ctx = WriteContext.at(tmp_path)
    _write(ctx, tmp_path / "d" / "f", b"x")
    _write(ctx, tmp_path / "d", b"now a file")
    with pytest.raises(IgnitionError, match="exists and is not a directory"):
        ctx.make_parents(tmp_path / "d" / "g")


def test_a_link_replaced_by_a_file_is_not_followed_any_more(tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    (tmp_path / "link").symlink_to("/target")
    ctx = WriteContext.at(tmp_path)
    assert ctx.path("/link/x") == tmp_path / "target" / "x"
    _write(ctx, tmp_path / "link", b"now a file")
    assert ctx.path("/link/x") == tmp_path / "link" / "x"
