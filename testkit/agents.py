"""The agents tests and benchmarks run, in one place: ignition-py's own `ignition` command
and the upstream Go builds they compare it with.

Two oracles:

* ``UPSTREAM``: Ignition v2.26.0, upstream's newest release, the reference for every spec
  version (3.0.0 to 3.7.0-experimental). Unpacked from ``../shared/oracle/`` beside the
  repository by its ``install`` script (tests/run calls it) into ``ORACLE_DIR``.
* ``DEBIAN``: Debian's ``ignition`` package, Go Ignition 2.14 (specs up to 3.3.0), an older
  second opinion.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ORACLE_DIR = Path(os.environ.get("IGNITION_ORACLE_DIR", "/var/cache/ignition-oracle"))
ORACLE_INSTALL = REPO.parent / "shared" / "oracle" / "install"
# The `ignition` entry point installed beside the running interpreter (the venv's).
OURS = Path(sys.executable).parent / "ignition"

SPEC_VERSIONS = (
    "3.0.0", "3.1.0", "3.2.0", "3.3.0", "3.4.0", "3.5.0", "3.6.0", "3.7.0-experimental"
)  # fmt: skip


def spec_key(version: str) -> tuple[int, ...]:
    """ "3.7.0-experimental" -> (3, 7, 0), for ordering spec versions."""
    return tuple(int(part) for part in version.split("-")[0].split("."))


@dataclass(frozen=True)
class Oracle:
    """One upstream build: its agent (``ignition``) and its validator."""

    name: str
    agent: Path
    validate: Path
    newest_spec: str  # the newest spec version (without -experimental) it accepts
    how_to_get: str

    def present(self) -> bool:
        return self.agent.exists() and self.validate.exists()

    def knows(self, spec: str) -> bool:
        """Whether this build understands configs of ``spec`` ("3.4.0", "3.7.0-experimental")."""
        return spec_key(spec) <= spec_key(self.newest_spec)

    def specs_from(self, since: str) -> list[str]:
        """The spec versions from ``since`` on that this build understands, oldest first."""
        return [v for v in SPEC_VERSIONS if self.knows(v) and spec_key(v) >= spec_key(since)]

    def missing_reason(self) -> str:
        return f"{self.name} is absent ({self.agent}): {self.how_to_get}"


UPSTREAM = Oracle(
    name="Ignition v2.26.0",
    agent=ORACLE_DIR / "ignition",
    validate=ORACLE_DIR / "ignition-validate",
    newest_spec="3.7.0",
    how_to_get=f"run {ORACLE_INSTALL} (tests/run does)",
)
DEBIAN = Oracle(
    name="Go Ignition 2.14 (Debian)",
    agent=Path("/usr/lib/dracut/modules.d/30ignition/ignition"),
    validate=Path("/usr/bin/ignition-validate"),
    newest_spec="3.3.0",
    how_to_get="apt-get install ignition (tests/run does)",
)
ORACLES = (UPSTREAM, DEBIAN)


def oracle_id(oracle: Oracle) -> str:
    """A short name for test ids: "v2.26.0" or "2.14"."""
    return "v2.26.0" if oracle == UPSTREAM else "2.14"
