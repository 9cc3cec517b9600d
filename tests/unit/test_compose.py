"""The base configs under the user's config, composed once for the stages, `ignition-py
render` and `ignition-py plan` (they used to differ: plan read base.platform.d itself for
an empty platform, render did not; an empty $IGNITION_SYSTEM_CONFIG_DIR meant the current
directory)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from ignition_py import cli, plan_cli
from ignition_py.config.build import render
from ignition_py.config.compose import (
    DEFAULT_SYSTEM_CONFIG_DIR,
    base_config_files,
    compose,
    system_config_dir,
    with_base_configs,
)
from ignition_py.config.model import Config
from ignition_py.config.parse import parse_config
from ignition_py.errors import ConfigError
from ignition_py.log import Logger


def write(path: Path, tree: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tree))
    return path


def unit(name: str, **fields: Any) -> dict[str, Any]:
    return {"ignition": {"version": "3.3.0"}, "systemd": {"units": [{"name": name, **fields}]}}


@pytest.fixture
def system(tmp_path: Path) -> Path:
    root = tmp_path / "system"
    write(root / "base.d" / "20-b.ign", unit("a.service", contents="b"))
    write(root / "base.d" / "10-a.ign", unit("a.service", contents="a", mask=True))
    write(root / "base.platform.d" / "qemu" / "10.ign", unit("a.service", enabled=True))
    # What upstream's Join("base.platform.d", "") would name for an empty platform.
    write(root / "base.platform.d" / "stray.ign", unit("stray.service"))
    return root


def units(config: Config) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = render(config)["systemd"]["units"]
    return units


def user_config(tmp_path: Path) -> tuple[Path, Config]:
    path = write(tmp_path / "user.ign", unit("a.service", mask=False))
    parsed = parse_config(path.read_bytes())
    assert parsed.config is not None
    return path, parsed.config


def test_base_d_in_name_order_then_platform_then_user(system: Path, tmp_path: Path) -> None:
    _, user = user_config(tmp_path)
    notes: list[str] = []
    composed = compose([user], system, "qemu", lambda path, parsed: None, notes.append)
    assert units(composed) == [
        {"name": "a.service", "contents": "b", "mask": False, "enabled": True}
    ]


def test_an_empty_platform_has_no_platform_base_configs(system: Path) -> None:
    bases, platform_bases = base_config_files(system, "")
    assert [p.name for p in bases] == ["10-a.ign", "20-b.ign"]
    assert platform_bases == []


def test_stages_render_and_plan_compose_alike(
    system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, user = user_config(tmp_path)
    monkeypatch.setenv("IGNITION_SYSTEM_CONFIG_DIR", str(system))
    for platform in ("qemu", ""):
        stage = with_base_configs(user, platform, Logger("test", stream=io.StringIO()))
        planned = plan_cli.load_composed([str(path)], str(system), platform)
        printed = io.StringIO()
        with redirect_stdout(printed):
            argv = ["render", "--compact", "--system-config-dir", str(system), str(path)]
            assert cli.main([*argv, "--platform", platform]) == 0
        assert planned == stage
        assert json.loads(printed.getvalue()) == render(stage)


def test_an_empty_system_config_dir_variable_is_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IGNITION_SYSTEM_CONFIG_DIR", "")
    assert system_config_dir() == Path(DEFAULT_SYSTEM_CONFIG_DIR)


def test_an_invalid_base_config_is_named_and_its_problems_shown(
    system: Path, tmp_path: Path
) -> None:
    (system / "base.d" / "30-bad.ign").write_text('{"ignition": {"version": "3.3.0"}, "x": 1,}')
    _, user = user_config(tmp_path)
    seen: list[Path] = []
    with pytest.raises(ConfigError, match=r"30-bad\.ign is invalid"):
        compose([user], system, "qemu", lambda path, parsed: seen.append(path), print)
    assert seen[-1].name == "30-bad.ign"


def test_an_invalid_platform_base_config_leaves_its_directory_out(
    system: Path, tmp_path: Path
) -> None:
    # Upstream: `no config at "base.platform.d/qemu": config is not valid`, and goes on
    # without any config of that directory (v2.26.0 checked by hand: the kargs stage runs
    # with base.d's kernel arguments only).
    write(system / "base.platform.d" / "qemu" / "20.ign", unit("relative", enabled=True))
    _, user = user_config(tmp_path)
    notes: list[str] = []
    composed = compose([user], system, "qemu", lambda path, parsed: None, notes.append)
    assert units(composed) == [{"name": "a.service", "contents": "b", "mask": False}]
    assert notes == [
        f"no config at {str(system / 'base.platform.d' / 'qemu')!r}: config is not valid"
    ]
