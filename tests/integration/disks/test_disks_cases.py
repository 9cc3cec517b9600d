"""The disks stage through the real `ignition` command on loop devices, case by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from testkit.loopdisks import Runner, fingerprint, loop_disks, substitute

from .cases import ALL_CASES, Case
from .checks import check_after


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.name)
def test_disks_case(case: Case, tmp_path: Path) -> None:
    with loop_disks(case.disks, tmp_path) as disks:
        before = {index: fingerprint(disk) for index, disk in enumerate(disks)}
        runner = Runner(tmp_path)
        tree = substitute(case.config(), disks)
        result = runner.stage("disks", tree, tmp_path / "root")
        check_after(case, disks, result, before)
