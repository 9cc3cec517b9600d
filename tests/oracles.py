"""The upstream binaries the differential tests compare ignition-py with (the Ignition
builds defined in testkit/agents.py, shared with bench/; Butane and ign-converter here), and
``require``: skip, saying why, when one is absent (fail under CI)."""

from __future__ import annotations

import os
from pathlib import Path

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
    "BUTANE", "DEBIAN", "IGN_CONVERTER", "ORACLES", "ORACLE_DIR", "SPEC_VERSIONS", "UPSTREAM",
    "Oracle", "Tool", "oracle_id", "require", "spec_key",
]  # fmt: skip


class Tool:
    """A single-binary reference (Butane, ign-converter): its name and where it lies."""

    def __init__(self, name: str, path: Path) -> None:
        self.name, self.path = name, path

    def present(self) -> bool:
        return os.access(self.path, os.X_OK)

    def missing_reason(self) -> str:
        return f"{self.name} is absent ({self.path}): put the release binary there"


BUTANE = Tool("Butane v0.29.0", ORACLE_DIR / "butane")
IGN_CONVERTER = Tool(
    "ign-converter (Flatcar's spec 2.x -> 3.1 translator)", ORACLE_DIR / "ign-converter"
)


def require(oracle: Oracle | Tool) -> None:
    """Skip the calling test, saying why, when ``oracle`` is not installed."""
    if not oracle.present():
        reason = f"no oracle: {oracle.missing_reason()}"
        if os.environ.get("CI"):
            # CI has ../shared beside its clone: a missing reference there is a broken
            # install, not a reason to compare against nothing and pass.
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
