"""The harness's cache keys: the same sources give the same key wherever the repository
is cloned (a fresh clone reuses the target image and initramfs), and any change of a
file's name or bytes gives another."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.cache import digest_of


def _tree(where: Path) -> Path:
    (where / "module" / "sub").mkdir(parents=True)
    (where / "module" / "setup.sh").write_text("install\n")
    (where / "module" / "sub" / "unit.service").write_text("[Unit]\n")
    (where / "rootfs.py").write_text("KEY = 1\n")
    return where


def test_the_key_does_not_depend_on_where_the_sources_are(tmp_path: Path) -> None:
    one = _tree(tmp_path / "clone-one")
    two = tmp_path / "elsewhere" / "clone-two"
    shutil.copytree(one, two)
    for paths in ([one / "module"], [one / "rootfs.py"], [one / "module", one / "rootfs.py"]):
        moved = [two / path.relative_to(one) for path in paths]
        assert digest_of(paths, "v1") == digest_of(moved, "v1")


def test_a_change_of_name_bytes_or_extra_changes_the_key(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "clone")
    before = digest_of([tree / "module"], "v1")
    assert digest_of([tree / "module"], "v2") != before
    (tree / "module" / "setup.sh").write_text("install more\n")
    changed = digest_of([tree / "module"], "v1")
    assert changed != before
    (tree / "module" / "setup.sh").rename(tree / "module" / "setup2.sh")
    assert digest_of([tree / "module"], "v1") not in (before, changed)
