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
from .pflags import LongFlag, parse_command_line, usage
from .validate_cli import read_input
from .version import version_line

FLAGS = (
    LongFlag("version", "print the version of ignition-apply", False),
    LongFlag("root", "root of the filesystem", "/"),
    LongFlag("ignore-unsupported", "ignore unsupported config sections", False),
    LongFlag("offline", "error out if config references remote resources", False),
)


def _usage_line() -> str:
    return f"Usage: {sys.argv[0]} [options] config.ign"


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    command_line = parse_command_line(FLAGS, sys.argv[1:] if argv is None else argv, _usage_line())
    if isinstance(command_line, int):
        return command_line
    values, positional = command_line
    if len(positional) != 1:
        sys.stderr.write(usage(FLAGS, _usage_line()))
        return 1
    log = Logger(to_stdout=True)
    log.info(version_line())
    try:
        raw = read_input(positional[0])
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
