"""`ignition-validate FILE|-`: upstream's validator command, same output and exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from . import __version__
from .cli_exit import guarded
from .goflags import Flag, FlagSet

FLAGS = FlagSet(
    "ignition-validate",
    [Flag("version", "print the version of ignition-validate", False, is_bool=True)],
    usage_head="Usage:\n  ignition-validate [flags] config.ign\n\n",
)


def read_input(name: str) -> bytes:
    """The bytes of file `name`, or of stdin for "-" (as upstream's commands read their config
    argument). Raises OSError."""
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as handle:
        return handle.read()


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    values, args = FLAGS.parse(sys.argv[1:] if argv is None else argv)
    if values["version"]:
        print(f"ignition-validate ignition-py {__version__}")
        return 0
    if len(args) != 1:
        sys.stderr.write(FLAGS.usage())
        return 1
    try:
        raw = read_input(args[0])
    except OSError as err:
        sys.stderr.write(f"couldn't read config: open {args[0]}: {err.strerror}\n")
        return 1
    from .config.parse import parse_config

    # cloud-init user data: reported as an empty config, as Flatcar's validator does
    result = parse_config(raw)
    for entry in result.report:
        print(entry)
    return 1 if result.report.has_errors else 0


if __name__ == "__main__":
    sys.exit(main())
