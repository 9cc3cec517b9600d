from __future__ import annotations

import pytest

from testkit.loopdisks import unavailable_reason


@pytest.fixture(autouse=True)
def _needs_loop_devices() -> None:
    reason = unavailable_reason()
    if reason is not None:
        print(f"skipped: {reason}")
        pytest.skip(reason)
