"""Mount points whose names hold non-ASCII characters or the characters mountinfo escapes
(space, tab, backslash) are recognised: an overwrite never empties a filesystem mounted
there, and the disks stage sees such a mount as a use of the device."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ignition_py.system.fs_writes import WriteError, mounts_at_or_below, remove_all
from ignition_py.system.mountinfo import mounts

from .support import NOT_ROOT

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)


@pytest.mark.parametrize("name", ["café", "with space", "tab\there", "back\\slash", "日本"])
def test_a_mounted_tree_is_never_removed_whatever_its_name(tmp_path: Path, name: str) -> None:
    tree = tmp_path / "tree"
    point = tree / "sub" / name
    point.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(point)], check=True)
    try:
        (point / "data").write_text("keep me")
        assert (str(point), "tmpfs") in [(m.mount_point, m.fs_type) for m in mounts()]
        assert mounts_at_or_below(tree) == [str(point)]
        with pytest.raises(WriteError, match="is mounted there"):
            remove_all(tree)
        assert (point / "data").read_text() == "keep me"
    finally:
        subprocess.run(["umount", str(point)], check=True)
