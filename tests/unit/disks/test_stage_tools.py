"""The mount and umount plans check their tool on PATH before the first mount, naming
the config path that needs it (no program is run: PATH points at an empty directory)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ignition_py.stages.registered  # noqa: F401  (the stages register themselves)
from ignition_py.config.parse import parse_config
from ignition_py.log import Logger
from ignition_py.plan_tools import MissingStageTools
from ignition_py.stage import PLANNERS, StageContext, StageOptions

CONFIG = {
    "ignition": {"version": "3.4.0"},
    "storage": {"filesystems": [
        {"device": "/dev/vdb", "format": "swap"},
        {"device": "/dev/vdc", "format": "ext4", "path": "/var"},
    ]},
}  # fmt: skip


def context(root: Path) -> StageContext:
    options = StageOptions("file", str(root), "", 120.0, "", str(root / "state"), True)
    return StageContext(options, Logger("test", to_stdout=True))


@pytest.mark.parametrize("stage", ["mount", "umount"])
def test_a_missing_mount_tool_fails_with_the_json_path(
    stage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = parse_config(json.dumps(CONFIG).encode())
    assert parsed.config is not None
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingStageTools) as raised:
        PLANNERS.get(stage)(parsed.config, context(tmp_path))  # type: ignore[misc]
    assert str(raised.value) == (
        f"required tools not found in PATH: {stage} (for $.storage.filesystems.1.path)"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_mount_plan_holds_the_argv(tmp_path: Path) -> None:
    parsed = parse_config(json.dumps(CONFIG).encode())
    assert parsed.config is not None
    [action] = PLANNERS.get("mount")(parsed.config, context(tmp_path))  # type: ignore[misc]
    target = str(tmp_path / "var")
    assert action.describe() == f"mounting at {target}: mount -t ext4 /dev/vdc {target}"
