"""The unit tier runs no program: every subprocess and exec raises (as cloud-init's
`disable_subp_usage`), so a unit test that reaches the host's tools fails loudly. Tests
that compare against the oracle binaries (marker `oracle`) or that say why they run a
program (marker `runs_programs`) are let through."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest

_EXECS = ("execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe")
_SPAWNS = ("posix_spawn", "posix_spawnp", "spawnv", "spawnve", "spawnvp", "spawnvpe", "system")


class SubprocessInUnitTest(AssertionError):
    """A unit test tried to run a program."""


def _refuse(name: str, *, method: bool = False) -> Any:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        args = args[1:] if method else args  # Popen.__init__'s self is half made
        shown = args[0] if args else kwargs.get("args")
        raise SubprocessInUnitTest(
            f"unit tests run no program ({name}({shown!r})): fake the host at the system/ "
            "boundary, or move the test to tests/integration"
        )

    return refuse


@pytest.fixture(autouse=True)
def _no_programs(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("oracle") or request.node.get_closest_marker(
        "runs_programs"
    ):
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", _refuse("subprocess.Popen", method=True))
        for name in (*_EXECS, *_SPAWNS):
            if hasattr(os, name):
                patch.setattr(os, name, _refuse(f"os.{name}"))
        yield
