"""The agent's build flavour in tests: a flavour file like the one the dracut module
installs, named through $IGNITION_PY_FLAVOUR_FILE (ignition_py/flavour.py)."""

from __future__ import annotations

from pathlib import Path


def flavour_env(where: Path, name: str) -> dict[str, str]:
    """The environment that makes the agent built with flavour `name` ("" or "flatcar"),
    its flavour file written in the directory `where`."""
    where.mkdir(parents=True, exist_ok=True)
    path = where / "flavour"
    path.write_text(f"{name}\n")
    return {"IGNITION_PY_FLAVOUR_FILE": str(path)}
