"""Errors that end a stage with a message for the operator, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence

from .shell_words import join


class IgnitionError(Exception):
    """A stage cannot go on; the message says why in the operator's terms."""


class ConfigError(IgnitionError):
    """The config is invalid, or cannot be acquired."""


class CommandError(IgnitionError):
    """An external tool failed: carries what was run, how it ended and what it said."""

    def __init__(self, argv: Sequence[str], returncode: int, stderr: str, stdout: str = "") -> None:
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        # a tool that explains itself on stdout (ignition-kargs-helper's stub) is heard
        # too, as upstream's error shows both streams
        detail = stderr.strip() or (
            f"{stdout.strip()} (on stdout)" if stdout.strip() else "(no output on stderr)"
        )
        super().__init__(f"{join(self.argv)} exited with code {returncode}: {detail}")


class MissingToolError(IgnitionError):
    """Programs a stage needs are not on PATH; `tools` lists them. Raised by
    system.commands.require_tools while planning, before anything is written (upstream
    fails only when it reaches the step)."""

    def __init__(self, tools: Sequence[str]) -> None:
        self.tools = list(tools)
        super().__init__(f"required tools not found in PATH: {', '.join(self.tools)}")
