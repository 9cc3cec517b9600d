"""`ignition`: upstream's agent command line, flag for flag, exit code for exit code.

Exit status as upstream's: 0 success, 1 the stage failed (or its state could not be
saved), 2 bad flags or a missing -platform/-stage, 3 the state file could not be read or
parsed (before anything is done).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .agent_names import FLATCAR_PLATFORM_ALIASES, UPSTREAM_PLATFORMS
from .agent_names import STAGES as STAGE_NAMES
from .cli_exit import guarded
from .goflags import Flag, FlagSet, FlagValueError, format_duration, parse_duration

DEFAULT_FETCH_TIMEOUT = 120.0


def _choice(kind: str, names: Sequence[str], aliases: dict[str, str] | None = None) -> Flag:
    """A flag taking one of `names`, or one of `aliases` (not listed) as the name it maps to."""

    def convert(value: str) -> str:
        value = (aliases or {}).get(value, value)
        if value not in names:
            raise FlagValueError(f"{value} is not a valid {kind}")
        return value

    what = "current platform" if kind == "platform" else "execution stage"
    return Flag(kind, f"{what}. [{' '.join(sorted(names))}]", None, convert, type_name="value")


FLAGS = FlagSet(
    "ignition",
    [
        Flag("config-cache", "where to cache the config", "/run/ignition.json"),
        Flag(
            "fetch-timeout",
            "initial duration for which to wait for config",
            DEFAULT_FETCH_TIMEOUT,
            parse_duration,
            type_name="duration",
            shown_default=format_duration(DEFAULT_FETCH_TIMEOUT),
        ),
        Flag("log-to-stdout", "log to stdout instead of the system log when set", False,
             is_bool=True),
        Flag("neednet", "flag file to write from fetch-offline if networking is needed",
             "/run/ignition/neednet"),
        _choice("platform", UPSTREAM_PLATFORMS, FLATCAR_PLATFORM_ALIASES),
        Flag("root", "root of the filesystem", "/"),
        _choice("stage", STAGE_NAMES),
        Flag("state-file", "where to store internal state", "/run/ignition/state"),
        Flag("version", "print the version and exit", False, is_bool=True),
    ],
)  # fmt: skip


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    """Upstream's `ignition` command line: `argv` (default sys.argv[1:]) in Go's flag
    syntax; runs one stage (or prints the version) and returns the exit status: 0, 1 when
    the stage failed, 2 for a bad command line. Raises nothing; the launcher and the fork
    server's stand-ins (fork_server) call it alike."""
    values, _ = FLAGS.parse(sys.argv[1:] if argv is None else argv)
    if values["version"]:
        from .version import version_line

        print(version_line())
        return 0
    for required in ("platform", "stage"):
        if values[required] is None:
            sys.stderr.write(f"'--{required}' must be provided\n")
            return 2
    from ignition_py.stage import StageOptions

    from .engine import run_stage
    from .system.commands import restore_child_signal

    restore_child_signal()  # here, in the main thread: tools may run from other threads
    options = StageOptions(
        platform=values["platform"],
        root=values["root"],
        config_cache=values["config-cache"],
        fetch_timeout=values["fetch-timeout"],
        neednet=values["neednet"],
        state_file=values["state-file"],
        log_to_stdout=values["log-to-stdout"],
    )
    return run_stage(values["stage"], options)


if __name__ == "__main__":
    sys.exit(main())
