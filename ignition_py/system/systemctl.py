"""`systemctl --root ROOT` for the files stage's presets: offline, on the root's unit
files, never the running manager."""

from __future__ import annotations

from collections.abc import Sequence

from ..log import Logger
from .commands import require_tools, run


def is_enabled(root: str, unit: str, log: Logger) -> bool:
    """`systemctl --root ROOT is-enabled UNIT` exited 0 (enabled, static, alias, ...).

    `unit` is one argument even when it holds spaces (`echo@.service a b`), as upstream
    passes it; systemctl then refuses it, which counts as not enabled. A missing unit is
    not enabled either (exit 1 on every systemd version). Without systemctl on PATH this
    raises OSError: the files plan decides beforehand what that means."""
    return run(["systemctl", "--root", root, "is-enabled", unit], log, check=False).returncode == 0


# The states for which `systemctl is-enabled` exits 0 (systemd's verb_is_enabled); every
# other state it prints exits non-zero. systemd < 254 stops at a unit it cannot find;
# later ones print "not-found" for it and go on.
ENABLED_STATES = frozenset(
    ("enabled", "enabled-runtime", "static", "alias", "indirect", "generated")
)
NOT_FOUND = "not-found"
_UNPLAIN = frozenset("*?[ \t\n")  # a glob, or a name systemctl would refuse or split
_NOTES_ON_STDERR = {"SYSTEMD_LOG_LEVEL": "info", "SYSTEMD_LOG_TARGET": "console"}
KNOWN_STATES = ENABLED_STATES | {
    "disabled", "masked", "masked-runtime", "linked", "linked-runtime", "transient", "bad",
    NOT_FOUND,
}  # fmt: skip


def batchable(unit: str) -> bool:
    """Whether `unit` may be asked about with others: not a glob, no spaces (one name
    standing for several units, or none, as upstream's `foo@.service a b`)."""
    return not _UNPLAIN.intersection(unit)


def batch_states(root: str, units: Sequence[str], log: Logger) -> dict[str, bool] | None:
    """For each of `units`, what is_enabled(root, unit) would say, from one
    `systemctl --root ROOT is-enabled UNIT...` (each call is a process start: a tenth of
    a second under emulation); None when that call cannot answer for every unit: a name
    that is a glob or holds spaces (it may stand for several units, or none), a missing
    unit (systemd < 254 stops there), a SysV script (systemd answers for those first, out
    of order: its note on stderr, at the info level forced here, gives it away), output
    that is not one known state per unit, or an exit status those states do not imply.
    Raises OSError as is_enabled does."""
    asked = list(dict.fromkeys(units))
    if not all(batchable(unit) for unit in asked):
        return None
    done = run(["systemctl", "--root", root, "is-enabled", *asked], log, check=False,
               env=_NOTES_ON_STDERR)  # fmt: skip
    states = done.stdout.splitlines()
    if (
        done.stderr
        or len(states) != len(asked)
        or not all(state in KNOWN_STATES for state in states)
        or done.returncode != _is_enabled_status(states)
    ):
        return None
    return {unit: state in ENABLED_STATES for unit, state in zip(asked, states, strict=True)}


def _is_enabled_status(states: Sequence[str]) -> int:
    """The exit status verb_is_enabled gives for these printed states: 0 when one is
    enabled, 4 when none was found, else 1."""
    if any(state in ENABLED_STATES for state in states):
        return 0
    return 4 if all(state == NOT_FOUND for state in states) else 1


def disable(root: str, unit: str, log: Logger) -> None:
    """`systemctl --root ROOT disable UNIT`: removes the unit's enablement links.

    Raises CommandError when systemctl fails (systemd >= 252 does for a unit it does not
    know, hence is_enabled first)."""
    require_tools(["systemctl"])
    run(["systemctl", "--root", root, "disable", unit], log)
