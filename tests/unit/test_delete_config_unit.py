"""systemd/ignition-delete-config.service (upstream's unit), installed to
/usr/lib/systemd/system by the Debian package as upstream's Makefile does, runs
ignition-rmcfg on exactly the platforms whose config ignition-rmcfg can delete."""

from __future__ import annotations

import configparser
from pathlib import Path

from ignition_py.providers.delete_config import DELETERS

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "ignition-delete-config.service"


def _unit() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text())
    return parser


def test_the_unit_runs_on_the_platforms_rmcfg_can_delete_from() -> None:
    lines = UNIT.read_text().splitlines()
    platforms = {
        line.split("ignition.platform.id=", 1)[1]
        for line in lines
        if line.startswith("ConditionKernelCommandLine=|ignition.platform.id=")
    }
    assert platforms == set(DELETERS)


def test_the_unit_runs_rmcfg_once_on_the_first_boot_before_user_services() -> None:
    unit = _unit()
    service = unit["Service"]
    assert service["ExecStart"] == "/usr/libexec/ignition-rmcfg --platform=${PLATFORM_ID}"
    assert service["EnvironmentFile"] == "/run/ignition.env"
    assert service["Type"] == "oneshot"
    assert unit["Unit"]["ConditionFirstBoot"] == "true"
    assert unit["Unit"]["Before"] == "sysinit.target"
    assert unit["Install"]["WantedBy"] == "sysinit.target"
