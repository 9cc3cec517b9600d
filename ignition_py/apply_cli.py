"""`ignition-apply [--root R] [--ignore-unsupported] [--offline] CONFIG|-`: upstream's
apply personality (see ignition_py/apply.py for what it writes and refuses). Logs go to
stdout, as upstream's do.

Exit status as v2.26.0: 0 applied, 1 unreadable or invalid config, refused or failed,
or not exactly one config argument; 2 bad flags."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .cli_exit import guarded
from .log import Logger
from .pflags import HelpRequested, LongFlag, PflagError, defaults, parse
from .version import version_line

FLAGS = (
    LongFlag("version", "print the version of ignition-apply", False),
    LongFlag("root", "root of the filesystem", "/"),
    LongFlag("ignore-unsupported", "ignore unsupported config sections", False),
    LongFlag("offline", "error out if config references remote resources", False),
)


def _usage() -> None:
    sys.stderr.write(f"Usage: {sys.argv[0]} [options] config.ign\nOptions:\n{defaults(FLAGS)}")


def _read(argument: str) -> bytes:
    if argument == "-":
        return sys.stdin.buffer.read()
    with open(argument, "rb") as source:
        return source.read()


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    try:
        values, positional = parse(FLAGS, sys.argv[1:] if argv is None else argv)
    except HelpRequested:
        _usage()
        return 0
    except PflagError as err:
        _usage()
        sys.stderr.write(f"{err}\n")
        return 2
    if values["version"]:
        print(version_line())
        return 0
    if len(positional) != 1:
        _usage()
        return 1
    log = Logger(to_stdout=True)
    log.info(version_line())
    try:
        raw = _read(positional[0])
    except OSError as err:
        log.critical(f"couldn't read config: open {positional[0]}: {_reason(err)}")
        return 1
    from .apply import ApplyOptions, run_apply
    from .config.parse import parse_config
    from .config.report import Severity
    from .errors import IgnitionError

    parsed = parse_config(raw)
    entries = list(parsed.report)
    if parsed.config is None and len(entries) == 1 and entries[0].line is None:
        log.critical(f"couldn't parse config: {entries[0].message}")  # empty, not JSON
        return 1
    for entry in entries:
        (log.critical if entry.severity is Severity.ERROR else log.warning)(str(entry))
    if parsed.config is None or parsed.report.has_errors:
        log.critical("couldn't parse config: config is not valid")
        return 1
    options = ApplyOptions(
        root=str(values["root"]),
        ignore_unsupported=bool(values["ignore-unsupported"]),
        offline=bool(values["offline"]),
    )
    try:
        run_apply(parsed.config, options, log)
    except IgnitionError as err:
        log.critical(f"failed to apply: {err}")
        return 1
    except OSError as err:
        where = f": {err.filename}" if err.filename else ""
        log.critical(f"failed to apply: {_reason(err)}{where}")
        return 1
    return 0


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()


if __name__ == "__main__":
    sys.exit(main())
