"""The stage table (agent_names) and the registries agree: stages/registered.py registers
exactly the planners of PLANNING and the runners of ACQUIRING, and -stage accepts them."""

from __future__ import annotations

import ignition_py.stages.registered  # noqa: F401
from ignition_py.agent_names import ACQUIRING, PLANNING, STAGES
from ignition_py.stage import PLAN_ORDER, PLANNERS, RUNNERS


def test_registered_planners_are_the_planning_stages() -> None:
    assert sorted(PLANNERS.names()) == sorted(PLANNING)


def test_registered_runners_are_the_acquiring_stages() -> None:
    assert sorted(RUNNERS.names()) == sorted(ACQUIRING)


def test_agent_stage_names_are_the_table() -> None:
    assert sorted(STAGES) == sorted(ACQUIRING + PLANNING) and len(set(STAGES)) == len(STAGES)
    assert PLAN_ORDER == ("kargs", "disks", "mount", "files", "umount")
