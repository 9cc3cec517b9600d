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
_UNPLAIN = frozenset("*?[]\\ \t\n")
KNOWN_STATES = ENABLED_STATES | {
    "disabled", "masked", "masked-runtime", "linked", "linked-runtime", "transient", "bad",
    NOT_FOUND,
}  # fmt: skip


def enabled_states(root: str, units: Sequence[str], log: Logger) -> dict[str, bool]:
    """For each of `units`, what is_enabled(root, unit) says, asked in one
    `systemctl --root ROOT is-enabled UNIT...` (each of which costs a process start, a
    tenth of a second under emulation) when that call prints a known state for every
    unit, writes no error and exits as those states imply; otherwise (a missing or
    refused name stops systemctl at that unit) each unit is asked on its own, as v2.26.0
    asks. Raises OSError as is_enabled does."""
    asked = list(dict.fromkeys(units))
    # a glob can stand for several units, a name with spaces for none
    plain = [unit for unit in asked if not _UNPLAIN.intersection(unit)]
    answers: dict[str, bool] = {}
    if len(plain) > 1:
        done = run(["systemctl", "--root", root, "is-enabled", *plain], log, check=False)
        states = done.stdout.splitlines()
        if (
            not done.stderr
            and len(states) == len(plain)
            and all(state in KNOWN_STATES for state in states)
            and done.returncode == _is_enabled_status(states)
        ):
            answers = {
                unit: state in ENABLED_STATES for unit, state in zip(plain, states, strict=True)
            }
    return {
        unit: answers[unit] if unit in answers else is_enabled(root, unit, log) for unit in asked
    }


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
