"""The programs a stage's plan will run, checked on PATH before its first write: a
missing one fails naming the tool and the config path that needs it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from .errors import IgnitionError, MissingToolError


class MissingStageTools(MissingToolError):
    """Tools a plan needs that are not on PATH, each with the config path needing it."""

    def __init__(self, missing: Mapping[str, str]) -> None:
        self.tools = sorted(missing)
        needs = ", ".join(f"{tool} (for {missing[tool]})" for tool in self.tools)
        IgnitionError.__init__(self, f"required tools not found in PATH: {needs}")


def missing_on_path(
    names: Sequence[str], missing_tools: Callable[[Sequence[str]], list[str]] | None = None
) -> list[str]:
    """The programs in names that are not on PATH, in the order given; missing_tools is
    the host's answer (default: system.commands.missing_tools)."""
    if missing_tools is None:
        from .system.commands import missing_tools as on_host

        missing_tools = on_host
    return missing_tools(names)


def check_tools(
    needs: Mapping[str, str], missing_tools: Callable[[Sequence[str]], list[str]] | None = None
) -> None:
    """Raise MissingStageTools for every tool in needs (tool -> JSON path of the config
    entry that needs it, e.g. "$.storage.filesystems.0.format") that is not on PATH;
    missing_tools is the host's answer (default: system.commands.missing_tools)."""
    missing = missing_on_path(sorted(needs), missing_tools)
    if missing:
        raise MissingStageTools({tool: needs[tool] for tool in missing})
