"""The files stage checks every program its plan will run before its first write: a
missing useradd or groupadd fails the stage naming the tool and the config section that
needs it, and no file of the config is written (upstream fails at that user, after
writing what came before)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from .support import NOT_ROOT, make_root, run_ours, work_dir

CONFIG: dict[str, Any] = {
    "ignition": {"version": "3.4.0"},
    "passwd": {"users": [{"name": "alice"}], "groups": [{"name": "ops"}]},
    "storage": {"files": [{"path": "/etc/written-first", "contents": {"source": "data:,x"}}]},
}


@pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)
def test_missing_account_tools_fail_before_the_first_write() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        empty = work / "empty-path"
        empty.mkdir()
        done = run_ours(CONFIG, root, work / "scratch", env={"PATH": str(empty)})
        assert done.returncode == 1, done.output
        assert "required tools not found in PATH" in done.output
        assert "useradd (for $.passwd.users)" in done.output
        assert "groupadd (for $.passwd.groups)" in done.output
        assert "Traceback" not in done.output
        assert not (root / "etc/written-first").exists()
