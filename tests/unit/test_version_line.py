"""ignition, ignition-apply and ignition-rmcfg print one and the same version line, which
starts like upstream's ('Ignition ')."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from ignition_py import agent_cli, apply_cli, rmcfg_cli
from ignition_py.version import version_line

COMMANDS: dict[str, tuple[Callable[[Sequence[str] | None], int], str]] = {
    "ignition": (agent_cli.main, "-version"),
    "ignition-apply": (apply_cli.main, "--version"),
    "ignition-rmcfg": (rmcfg_cli.main, "--version"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_prints_the_one_version_line(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main, flag = COMMANDS[command]
    assert main([flag]) == 0
    assert capsys.readouterr().out == version_line() + "\n"


def test_the_line_starts_as_upstreams() -> None:
    assert version_line().startswith("Ignition ignition-py ")
    assert "Ignition v2.26.0" in version_line()
