"""`ignition-rmcfg --platform P [--log-to-stdout]`: upstream's rmcfg personality, deleting
the config from the hypervisor after the boot that used it.

Exit status as v2.26.0: 0 deleted (or nothing to delete), 1 the platform cannot delete
or deleting failed, 2 bad flags or an unknown platform (upstream panics there)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .agent_names import UPSTREAM_PLATFORMS
from .cli_exit import guarded
from .pflags import LongFlag, parse_command_line, usage
from .version import version_line

FLAGS = (
    LongFlag("platform", f"current platform. [{' '.join(sorted(UPSTREAM_PLATFORMS))}]"),
    LongFlag("log-to-stdout", "log to stdout instead of the system log", False),
    LongFlag("version", "print the version and exit", False),
)


def _usage_line() -> str:
    return f"Usage: {sys.argv[0]} [options]"


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    parsed = parse_command_line(FLAGS, sys.argv[1:] if argv is None else argv, _usage_line())
    if isinstance(parsed, int):
        return parsed
    values, positional = parsed
    if positional:
        sys.stderr.write(usage(FLAGS, _usage_line()))
        return 2
    platform = str(values["platform"])
    if not platform:
        sys.stderr.write("'--platform' must be provided\n")
        return 2
    from .errors import IgnitionError
    from .log import Logger
    from .providers.delete_config import delete_config

    log = Logger(to_stdout=bool(values["log-to-stdout"]))
    log.info(version_line())
    if platform not in UPSTREAM_PLATFORMS:
        sys.stderr.write(f'invalid platform name "{platform}" provided\n')
        return 2
    try:
        delete_config(platform, log)
    except IgnitionError as err:
        log.critical(f"couldn't delete config: {err}")
        return 1
    log.info("Successfully deleted config")
    return 0


if __name__ == "__main__":
    sys.exit(main())
