"""The one version line of every command upstream's binary provides (ignition,
ignition-apply, ignition-rmcfg): printed by -version and logged first by each run."""

from __future__ import annotations


def version_line() -> str:
    """'Ignition ignition-py X (Ignition v2.26.0 compatible)'. Upstream prints 'Ignition
    v2.26.0' here; the line starts with 'Ignition ' the same way, and names both."""
    from . import __version__

    return f"Ignition ignition-py {__version__} (Ignition v2.26.0 compatible)"
