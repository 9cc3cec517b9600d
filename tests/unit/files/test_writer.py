"""Writes go through a temporary file: a failure mid-way leaves nothing half-written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from ignition_py.files.writer import WriteError, append_file, replace_file


class Exploding(io.RawIOBase):
    """Gives some bytes, then fails like a hash mismatch at the end of a stream."""

    def __init__(self) -> None:
        self.sent = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.sent:
            raise RuntimeError("verification failed")
        self.sent = True
        buffer[:5] = b"part-"
        return 5


def me() -> tuple[int, int]:
    return os.getuid(), os.getgid()


def test_replace_sets_owner_and_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    uid, gid = me()
    replace_file(target, io.BytesIO(b"new"), uid=uid, gid=gid, mode=0o640)
    assert target.read_bytes() == b"new"
    assert (target.stat().st_mode & 0o7777) == 0o640
    assert os.listdir(tmp_path) == ["f"]


def test_failed_replace_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    uid, gid = me()
    with pytest.raises(RuntimeError):
        replace_file(target, io.BufferedReader(Exploding()), uid=uid, gid=gid, mode=0o644)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f"]


def test_failed_append_appends_nothing(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        append_file(target, io.BufferedReader(Exploding()))
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f"]


def test_append_refuses_symlinks(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to("real")
    with pytest.raises(WriteError, match="can only append to files"):
        append_file(tmp_path / "link", io.BytesIO(b"y"))
    assert (tmp_path / "real").read_text() == "x"


def test_append_creates_and_appends(tmp_path: Path) -> None:
    target = tmp_path / "f"
    append_file(target, io.BytesIO(b"a"))
    append_file(target, io.BytesIO(b"b"))
    assert target.read_bytes() == b"ab"
