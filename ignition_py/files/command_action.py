"""An action that runs one external tool (useradd, systemctl, cryptsetup, ...) through
system.commands.run, with secret arguments shown as <redacted> everywhere."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import IgnitionError
from ..frozen import field, frozen_model
from ..log import Logger
from ..shell_words import join
from ..system.commands import run


def shown_command(argv: Sequence[str], redact: Sequence[str] = ()) -> str:
    return join(["<redacted>" if arg in redact else arg for arg in argv])


@frozen_model
class CommandAction:
    """One command the files stage runs (useradd, groupmod, ...): `what` it does, its argv, and
    the argv items (password hashes) shown as <redacted> in descriptions and logs, and
    what to call once it ran (`after`: the tool may have changed the tree's shape). Raises
    CommandError when the command fails."""

    what: str
    argv: list[str]
    redact: list[str] = field(default_factory=list)
    after: Callable[[], None] | None = None

    def describe(self) -> str:
        return f"{self.what}: {shown_command(self.argv, self.redact)}"

    def apply(self, log: Logger) -> None:
        try:
            run(self.argv, log, redact=self.redact)  # the plan checked the tool is there
        finally:
            if self.after is not None:
                self.after()


def operand(value: str, what: str) -> str:
    """`value` (a name from the config) as the last argument of a tool's command line.

    Raises IgnitionError when it starts with `-`: useradd and systemctl would take it as
    an option (`--help` exits 0, the stage passes and no user exists)."""
    if value.startswith("-"):
        raise IgnitionError(
            f'{what} "{value}" must not start with "-": the tool would take it as an option'
        )
    return value
