"""The unit tier runs no program: every subprocess and exec raises (as cloud-init's
`disable_subp_usage`), so a unit test that reaches the host's tools fails loudly. Let
through: the oracle binaries (tests/oracles.py: the reference the differential unit
tests compare with; they read a config and touch nothing), and tests that say why they
run a program (marker `runs_programs`) or compare with an oracle (marker `oracle`)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests.oracles import DEBIAN, UPSTREAM

_ORACLES = {str(path) for oracle in (UPSTREAM, DEBIAN) for path in (oracle.agent, oracle.validate)}

_EXECS = ("execv", "execve", "execvp", "execvpe", "execl", "execle", "execlp", "execlpe")
_SPAWNS = ("posix_spawn", "posix_spawnp", "spawnv", "spawnve", "spawnvp", "spawnvpe", "system")


class SubprocessInUnitTest(AssertionError):
    """A unit test tried to run a program."""


def _refuse(name: str, *, allowed: Any = None) -> Any:
    def refuse(*args: object, **kwargs: object) -> Any:
        if allowed is not None:  # Popen.__init__: self, then the argv
            argv = args[1] if len(args) > 1 else kwargs.get("args")
            if isinstance(argv, (list, tuple)) and argv and str(argv[0]) in _ORACLES:
                return allowed(*args, **kwargs)
        shown = args[1:] if allowed is not None else args
        raise SubprocessInUnitTest(
            f"unit tests run no program ({name}{shown!r}): fake the host at the system/ "
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
        popen = subprocess.Popen.__init__
        patch.setattr(subprocess.Popen, "__init__", _refuse("subprocess.Popen", allowed=popen))
        for name in (*_EXECS, *_SPAWNS):
            if hasattr(os, name):
                patch.setattr(os, name, _refuse(f"os.{name}"))
        yield
