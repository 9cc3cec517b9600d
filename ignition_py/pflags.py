"""GNU-style long flags as Go's spf13/pflag parses them, for the personalities upstream
parses with pflag (ignition-apply, ignition-rmcfg): `--name value`, `--name=value`,
`--flag` / `--flag=false` for booleans, flags and arguments interspersed, `--` ends flags.
Errors are pflag's words; the usage is pflag's PrintDefaults layout."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .frozen import frozen_model
from .version import version_line

_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


class PflagError(Exception):
    """Bad command line; the message is pflag's ("unknown flag: --x")."""


class HelpRequested(Exception):
    """-h or --help was given and no flag of that name exists (pflag's ErrHelp)."""


@frozen_model
class LongFlag:
    """One GNU-style flag (spf13/pflag, as ignition-apply and ignition-rmcfg take them): name
    without dashes, usage text, and a default that is a string, or a bool for a flag without a
    value."""

    name: str
    usage: str
    default: str | bool = ""

    @property
    def is_bool(self) -> bool:
        return isinstance(self.default, bool)


def parse(
    flags: Sequence[LongFlag], argv: Sequence[str]
) -> tuple[dict[str, str | bool], list[str]]:
    """(values by flag name, the positional arguments).

    Raises PflagError or HelpRequested."""
    known = {flag.name: flag for flag in flags}
    values: dict[str, str | bool] = {flag.name: flag.default for flag in flags}
    positional: list[str] = []
    pending = list(argv)
    while pending:
        arg = pending.pop(0)
        if arg == "--":
            positional += pending
            break
        if not arg.startswith("-") or arg == "-":
            positional.append(arg)
            continue
        if not arg.startswith("--"):
            letter = arg[1]
            if letter == "h":
                raise HelpRequested
            raise PflagError(f"unknown shorthand flag: {letter!r} in {arg}")
        name, equals, value = arg[2:].partition("=")
        flag = known.get(name)
        if flag is None:
            if name == "help":
                raise HelpRequested
            raise PflagError(f"unknown flag: --{name}")
        if flag.is_bool:
            values[name] = _boolean(name, value) if equals else True
        elif equals:
            values[name] = value
        elif pending:
            values[name] = pending.pop(0)
        else:
            raise PflagError(f"flag needs an argument: --{name}")
    return values, positional


def _boolean(name: str, value: str) -> bool:
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise PflagError(
        f'invalid argument "{value}" for "--{name}" flag: strconv.ParseBool: '
        f'parsing "{value}": invalid syntax'
    )


def defaults(flags: Sequence[LongFlag]) -> str:
    """pflag's PrintDefaults: sorted by name, usages aligned three spaces after the
    longest `--name type`, a non-empty string default shown quoted."""
    heads: list[tuple[str, str]] = []
    for flag in sorted(flags, key=lambda f: f.name):
        head = f"      --{flag.name}" + ("" if flag.is_bool else " string")
        usage = flag.usage
        if not flag.is_bool and flag.default:
            usage += f' (default "{flag.default}")'
        heads.append((head, usage))
    width = max(len(head) for head, _ in heads)
    return "".join(f"{head.ljust(width)}   {usage}\n" for head, usage in heads)


def parse_command_line(
    flags: Sequence[LongFlag], argv: Sequence[str], usage_line: str
) -> tuple[dict[str, str | bool], list[str]] | int:
    """(values, positional arguments) of `argv`, or the exit status once it is handled as
    upstream's pflag personalities handle it: the usage on stderr for --help (0) and, after
    pflag's message, for a bad flag (2); the version line on stdout for --version (0).
    `usage_line` is the "Usage: ..." line before the flag list."""
    try:
        values, positional = parse(flags, argv)
    except HelpRequested:
        sys.stderr.write(usage(flags, usage_line))
        return 0
    except PflagError as err:
        sys.stderr.write(usage(flags, usage_line) + f"{err}\n")
        return 2
    if values.get("version"):
        print(version_line())
        return 0
    return values, positional


def usage(flags: Sequence[LongFlag], usage_line: str) -> str:
    """The usage text pflag prints for `flags` under `usage_line`: the line, `Options:`, then
    PrintDefaults' table."""
    return f"{usage_line}\nOptions:\n{defaults(flags)}"
