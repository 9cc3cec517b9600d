"""The QEMU guest tier: tests marked `vm` boot a guest (tests/vm/guest.py) and are skipped,
with the reason printed, where guests cannot run."""

from __future__ import annotations

import pytest

from tests.vm.guest import guest_unavailable_reason


def pytest_configure(config: pytest.Config) -> None:
    # Also registered in pyproject.toml; repeated here so the marker is known either way.
    config.addinivalue_line("markers", "vm: boots a QEMU guest (tests/vm/guest.py); slow tier")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = guest_unavailable_reason()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=f"QEMU guest tier unavailable: {reason}")
    skipped = [item for item in items if item.get_closest_marker("vm") is not None]
    for item in skipped:
        item.add_marker(skip)
    if skipped:
        print(f"\ntests/vm: skipping {len(skipped)} guest tests: {reason}")
