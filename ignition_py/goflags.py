"""Command-line parsing with the rules of Go's `flag` package, which upstream Ignition uses.

`-x` and `--x` are the same flag; values come as `-x=v` or `-x v`; boolean flags take no
separate value (`-x`, `-x=false`); parsing stops at the first non-flag argument or `--`.
Errors print Go's messages and the usage, and exit with status 2.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence

from .frozen import frozen_model
from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, NoReturn

_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


class FlagValueError(ValueError):
    """Raised by a flag's converter; its text follows 'invalid value ... for flag -x: '."""


@frozen_model
class Flag:
    """One flag of a Go `flag` command line (the agent, ignition-validate): its name without the
    dash, help text, default, the conversion of its value, whether it is a bool, and how usage
    shows its type and default."""

    name: str
    help: str
    default: Any = None
    convert: Callable[[str], Any] = str
    is_bool: bool = False
    # How the usage line names the value: string, duration, value.
    type_name: str = "string"
    # The default as usage prints it, where str(default) is not Go's spelling.
    shown_default: str | None = None


class FlagSet:
    """Go's flag.FlagSet for `program`: parses `-name value`, `-name=value` and `--name` the way
    Go does, prints Go's usage text, and on a bad flag writes the message and usage to stderr
    and exits 2 (SystemExit)."""

    def __init__(self, program: str, flags: Sequence[Flag], usage_head: str = "") -> None:
        self.program = program
        self.flags = {f.name: f for f in flags}
        self.usage_head = usage_head

    def usage(self) -> str:
        # Go names the program as it was invoked (os.Args[0]).
        head = self.usage_head or f"Usage of {sys.argv[0] or self.program}:\n"
        lines = [head.rstrip("\n")]
        for name in sorted(self.flags):
            flag = self.flags[name]
            head = f"  -{name}" + ("" if flag.is_bool else f" {flag.type_name}")
            default = ""
            if flag.shown_default is not None:
                default = f" (default {flag.shown_default})"
            elif flag.default not in (None, "", False):
                shown = f'"{flag.default}"' if flag.type_name == "string" else flag.default
                default = f" (default {shown})"
            lines.append(head)
            lines.append(f"    \t{flag.help}{default}")
        return "\n".join(lines) + "\n"

    def fail(self, message: str) -> NoReturn:
        sys.stderr.write(f"{message}\n{self.usage()}")
        raise SystemExit(2)

    def parse(self, argv: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
        values: dict[str, Any] = {name: f.default for name, f in self.flags.items()}
        args = list(argv)
        while args:
            arg = args[0]
            if len(arg) < 2 or arg[0] != "-":
                break
            args.pop(0)
            if arg == "--":
                break
            name = arg[2:] if arg.startswith("--") else arg[1:]
            if not name or name[0] in "-=":
                self.fail(f"bad flag syntax: {arg}")
            name, has_value, value = name.partition("=")
            if name in ("h", "help") and name not in self.flags:
                sys.stderr.write(self.usage())
                raise SystemExit(0)
            flag = self.flags.get(name)
            if flag is None:
                self.fail(f"flag provided but not defined: -{name}")
            if flag.is_bool:
                if not has_value:
                    value = "true"
                if value not in _TRUE | _FALSE:
                    self.fail(f'invalid boolean value "{value}" for -{name}: parse error')
                values[name] = value in _TRUE
                continue
            if not has_value:
                if not args:
                    self.fail(f"flag needs an argument: -{name}")
                value = args.pop(0)
            try:
                values[name] = flag.convert(value)
            except FlagValueError as err:
                self.fail(f'invalid value "{value}" for flag -{name}: {err}')
        return values, args


# a pattern, compiled (and cached by re) at its first use: most runs never need it
_DURATION_PART = r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)"
_UNIT_SECONDS = {
    "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0,
}  # fmt: skip


def parse_duration(text: str) -> float:
    """Go's time.ParseDuration, in seconds."""
    sign, body = (-1.0, text[1:]) if text.startswith("-") else (1.0, text.lstrip("+"))
    if body == "0":
        return 0.0
    position, total = 0, 0.0
    for match in re.finditer(_DURATION_PART, body):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if not body or position != len(body):
        raise FlagValueError("parse error")
    return sign * total


def format_duration(seconds: float) -> str:
    """Go's Duration.String() for whole seconds, e.g. 2m0s."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"
