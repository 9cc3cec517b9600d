"""The disks checks that need device-mapper, md or vfat, batched into one guest boot."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.vm.guest import guest_unavailable_reason, run_in_guest

pytestmark = [pytest.mark.vm, pytest.mark.slow]
GUEST_MODULE = "tests/vm/disks_guest_checks.py"


def test_luks_raid_and_vfat_in_a_guest(tmp_path: Path) -> None:
    reason = guest_unavailable_reason()
    if reason is not None:
        print(f"skipped: {reason}")
        pytest.skip(reason)
    disks = []
    for name in ("a", "b", "c"):
        image = tmp_path / f"{name}.img"
        with open(image, "wb") as handle:
            handle.truncate(128 * 1024 * 1024)
        disks.append(image)
    argv = [".venv/bin/python", "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", GUEST_MODULE]
    result = run_in_guest(argv, disks=disks, timeout=900.0)
    print(result.output[-4000:])
    assert result.returncode == 0, result.output[-8000:]
    summary = re.search(r"(\d+) passed", result.output)
    assert summary is not None and int(summary.group(1)) == 5, result.output[-4000:]
    assert "skipped" not in result.output.splitlines()[-1]
