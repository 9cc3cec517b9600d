"""The upstream binaries the differential tests compare ignition-py with (defined in
testkit/agents.py, shared with bench/), and ``require``: skip, saying why, when one is absent."""

from __future__ import annotations

import os

import pytest

from testkit.agents import (
    DEBIAN,
    ORACLE_DIR,
    ORACLES,
    SPEC_VERSIONS,
    UPSTREAM,
    Oracle,
    oracle_id,
    spec_key,
)

__all__ = [
    "DEBIAN", "ORACLES", "ORACLE_DIR", "SPEC_VERSIONS", "UPSTREAM", "Oracle", "oracle_id",
    "require", "spec_key",
]  # fmt: skip


def require(oracle: Oracle) -> None:
    """Skip the calling test, saying why, when ``oracle`` is not installed."""
    if not oracle.present():
        reason = f"no oracle: {oracle.missing_reason()}"
        if os.environ.get("CI"):
            # CI has ../shared beside its clone: a missing reference there is a broken
            # install, not a reason to compare against nothing and pass.
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
