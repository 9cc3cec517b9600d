"""`ignition-py`: the friendly front door (validate, render, version)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from . import __version__
from .cli_exit import guarded
from .config.report import Entry, Severity
from .plan_cli import add_files_dir, add_plan_command, load_composed, run_plan
from .validate_cli import read_input


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ignition-py", description="Ignition configs, checked and rendered."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser(
        "validate", help="report every problem in a config (exit 1 on errors)"
    )
    validate.add_argument("config", help="config file, or - for standard input")
    validate.add_argument(
        "--quiet", "-q", action="store_true", help="print errors only, no warnings"
    )
    add_files_dir(validate)
    render = commands.add_parser(
        "render",
        help="print the merged, translated config as newest-spec JSON",
        description=(
            "Parse CONFIG (any spec 3.x, Flatcar's 2.x or 1, or Butane YAML), translate it to "
            "the newest spec, merge it over the base configs of the system config dir and over "
            "any earlier CONFIG, and print it."
        ),
    )
    render.add_argument(
        "configs", nargs="+", metavar="CONFIG", help="configs, each merged over the previous"
    )
    render.add_argument(
        "--system-config-dir",
        default=None,
        help="directory with base.d/ and base.platform.d/PLATFORM/ (default: the agent's, "
        "$IGNITION_SYSTEM_CONFIG_DIR or /usr/lib/ignition; '' for none)",
    )
    render.add_argument("--platform", default="", help="platform whose base configs apply")
    add_files_dir(render)
    render.add_argument("--compact", action="store_true", help="one line of JSON")
    add_plan_command(commands)
    commands.add_parser("version", help="print the version")
    return parser


def _validate(path: str, quiet: bool, files_dir: str | None = None) -> int:
    from .config.parse import parse_config

    result = parse_config(read_input(path), files_dir=files_dir)
    if result.user_data_note is not None and not quiet:
        print(Entry(Severity.INFO, result.user_data_note))
    for entry in result.report:
        if not quiet or entry.severity is Severity.ERROR:
            print(entry)
    if result.report.has_errors:
        print(f"{path}: invalid", file=sys.stderr)
        return 1
    print(f"{path}: valid (spec {result.version})", file=sys.stderr)
    return 0


def _render(
    paths: Sequence[str],
    system_dir: str | None,
    platform: str,
    compact: bool,
    files_dir: str | None = None,
) -> int:
    from .config.build import render

    merged = load_composed(paths, system_dir, platform, files_dir)
    if merged is None:
        return 1
    # Each input was checked on its own; upstream does not check the merged result again.
    print(json.dumps(render(merged), indent=None if compact else 2))
    return 0


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.config, args.quiet, args.files_dir)
        if args.command == "render":
            return _render(
                args.configs, args.system_config_dir, args.platform, args.compact, args.files_dir
            )
        if args.command == "plan":
            return run_plan(args)
    except BrokenPipeError:
        raise
    except OSError as err:
        print(f"ignition-py: {err.filename}: {err.strerror}", file=sys.stderr)
        return 1
    print(f"ignition-py {__version__}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
