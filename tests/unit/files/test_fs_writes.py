"""Writes go through a temporary file: a failure mid-way leaves nothing half-written."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from ignition_py.system.fs_writes import (
    Opener,
    WriteError,
    append_file,
    place,
    replace_file,
    sync_filesystems,
    write_atomic,
)


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


def data(raw: bytes) -> Opener:
    return lambda: io.BytesIO(raw)


def exploding() -> Opener:
    return lambda: io.BufferedReader(Exploding())


def me() -> tuple[int, int]:
    return os.getuid(), os.getgid()


def test_replace_sets_owner_and_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    uid, gid = me()
    replace_file(target, [data(b"new")], uid=uid, gid=gid, mode=0o640)
    assert target.read_bytes() == b"new"
    assert (target.stat().st_mode & 0o7777) == 0o640
    assert os.listdir(tmp_path) == ["f"]


def test_failed_replace_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    uid, gid = me()
    with pytest.raises(RuntimeError):
        replace_file(target, [data(b"a"), exploding()], uid=uid, gid=gid, mode=0o644)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f"]


def test_failed_append_appends_nothing(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        append_file(target, [data(b"first"), exploding()])
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["f"]


def test_append_refuses_symlinks(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("x")
    (tmp_path / "link").symlink_to("real")
    with pytest.raises(WriteError, match="can only append to files"):
        append_file(tmp_path / "link", [data(b"y")])
    assert (tmp_path / "real").read_text() == "x"


def test_append_creates_and_appends(tmp_path: Path) -> None:
    target = tmp_path / "f"
    append_file(target, [data(b"a")])
    append_file(target, [data(b"b"), data(b"c")])
    assert target.read_bytes() == b"abc"


def test_temporary_names_fit_beside_a_name_of_255_bytes(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 255)  # a temporary name built from it would not fit
    replace_file(target, [data(b"x")], uid=me()[0], gid=me()[1], mode=0o644)
    assert target.read_bytes() == b"x"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


@pytest.mark.parametrize("old", ["file", "empty-dir", "full-dir", "link"])
@pytest.mark.parametrize("new", ["file", "dir", "link"])
def test_place_replaces_any_node_with_any_node(tmp_path: Path, old: str, new: str) -> None:
    path, temporary = tmp_path / "node", tmp_path / "tmp"
    if old == "file":
        path.write_text("old")
    elif old == "link":
        path.symlink_to("elsewhere")
    else:
        path.mkdir()
        if old == "full-dir":
            (path / "inner").write_text("x")
    if new == "file":
        temporary.write_text("new")
    elif new == "dir":
        temporary.mkdir()
    else:
        temporary.symlink_to("there")
    place(temporary, path)
    assert os.listdir(tmp_path) == ["node"]
    kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
    assert kind == new


def test_place_of_a_hard_link_to_the_same_file_leaves_no_temporary(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    os.link(tmp_path / "f", tmp_path / "tmp")
    place(tmp_path / "tmp", tmp_path / "f")
    assert os.listdir(tmp_path) == ["f"]


def test_write_atomic_gives_the_mode_whatever_the_umask_and_leaves_nothing_beside(
    tmp_path: Path,
) -> None:
    path = tmp_path / "config.json"
    path.write_bytes(b"old")
    old_umask = os.umask(0o077)
    try:
        write_atomic(path, b"new", 0o640)
    finally:
        os.umask(old_umask)
    assert path.read_bytes() == b"new"
    assert path.stat().st_mode & 0o7777 == 0o640
    assert os.listdir(tmp_path) == ["config.json"]


def test_files_are_not_fsynced_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One sync at the end of the stage (sync_filesystems) instead of ~0.5 ms per file."""

    def refuse(fd: int) -> None:
        raise AssertionError("fsync per file")

    monkeypatch.setattr(os, "fsync", refuse)
    replace_file(tmp_path / "a", [data(b"one")], uid=os.getuid(), gid=os.getgid(), mode=0o644)
    append_file(tmp_path / "a", [data(b"two")])
    write_atomic(tmp_path / "b", b"three")
    assert (tmp_path / "a").read_bytes() == b"onetwo"
    synced: list[bool] = []
    monkeypatch.setattr(os, "sync", lambda: synced.append(True))
    sync_filesystems()
    assert synced == [True]
