"""`systemctl --root ROOT` for the files stage's presets: offline, on the root's unit
files, never the running manager."""

from __future__ import annotations

from ..log import Logger
from .commands import require_tools, run


def is_enabled(root: str, unit: str, log: Logger) -> bool:
    """`systemctl --root ROOT is-enabled UNIT` exited 0 (enabled, static, alias, ...).

    `unit` is one argument even when it holds spaces (`echo@.service a b`), as upstream
    passes it; systemctl then refuses it, which counts as not enabled. A missing unit is
    not enabled either (exit 1 on every systemd version). Without systemctl on PATH this
    raises OSError: the files plan decides beforehand what that means."""
    return run(["systemctl", "--root", root, "is-enabled", unit], log, check=False).returncode == 0


def disable(root: str, unit: str, log: Logger) -> None:
    """`systemctl --root ROOT disable UNIT`: removes the unit's enablement links.

    Raises CommandError when systemctl fails (systemd >= 252 does for a unit it does not
    know, hence is_enabled first)."""
    require_tools(["systemctl"])
    run(["systemctl", "--root", root, "disable", unit], log)
