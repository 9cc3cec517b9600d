"""`ignition-py plan CONFIG --root R`: what each stage would do to which device and path,
changing nothing (upstream has no such command). Each stage's planner reads the host and
returns its actions; here they are printed instead of applied."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .config.model import Config
    from .config.parse import Parsed
    from .state import State

DEFAULT_STATE_FILE = "/run/ignition/state"


def add_plan_command(subparsers: Any) -> None:
    """Add `plan` to an argparse subparsers object (the one of `ignition-py`)."""
    plan = subparsers.add_parser(
        "plan",
        help="print what each stage would do, changing nothing",
        description=(
            "Parse CONFIG (spec 3.x, Flatcar's 2.x or 1, or Butane YAML), merge it over the "
            "base configs, "
            "and print for each "
            "stage the actions it would take against ROOT and the host's devices. "
            "Nothing is changed."
        ),
    )
    plan.add_argument("config", help="config file, or - for standard input")
    plan.add_argument("--root", default="/", help="the root the stages write into (default: /)")
    plan.add_argument("--platform", default="file", help="platform whose base configs apply")
    plan.add_argument(
        "--system-config-dir",
        default=None,
        help="directory with base.d/ and base.platform.d/PLATFORM/ (default: the agent's, "
        "$IGNITION_SYSTEM_CONFIG_DIR or /usr/lib/ignition; '' for none)",
    )
    plan.add_argument(
        "--state-file", default=DEFAULT_STATE_FILE, help="Ignition's state file (read only)"
    )
    add_files_dir(plan)


def add_files_dir(command: Any) -> None:
    """Add `--files-dir`/`-d` (butane -d: where a Butane config's local files and trees
    are read from; without it they are refused, as at boot) to an argparse command."""
    command.add_argument(
        "--files-dir",
        "-d",
        default=None,
        help="directory Butane configs' local files and trees are read from (as butane -d)",
    )


def run_plan(args: argparse.Namespace) -> int:
    """`ignition-py plan`: composes the config as the fetch stage would and prints each planning
    stage's actions without applying any. Returns 0, or 1 when the config cannot be read or a
    stage would fail (the reason on stderr)."""
    import ignition_py.stages.registered  # noqa: F401  (the stages register themselves)
    from ignition_py.stage import PLAN_ORDER, PLANNERS, StageContext, StageOptions

    from .errors import IgnitionError
    from .log import Logger

    try:
        config = load_composed([args.config], args.system_config_dir, args.platform, args.files_dir)
    except OSError as err:
        print(f"ignition-py: {err.filename}: {err.strerror}", file=sys.stderr)
        return 1
    if config is None:
        return 1
    options = StageOptions(
        platform=args.platform,
        root=args.root,
        config_cache="",
        fetch_timeout=120.0,
        neednet="",
        state_file=args.state_file,
        log_to_stdout=True,
    )
    from .state import load_state

    try:
        state = load_state(args.state_file)
    except IgnitionError as err:
        print(f"ignition-py plan: {err}", file=sys.stderr)
        return 1
    log = Logger("plan", stream=sys.stderr)
    for stage in PLAN_ORDER:
        planner = PLANNERS.get(stage)
        if planner is None:
            continue
        context = StageContext(options, log, state)
        try:
            actions = planner(config, context)
        except IgnitionError as err:
            print(f"ignition-py plan: stage {stage}: {err}", file=sys.stderr)
            return 1
        unmet = _first_unmet(actions)
        if unmet is not None:
            print(f"ignition-py plan: stage {stage}: {unmet}", file=sys.stderr)
            return 1
        print(f"{stage}:")
        for action in actions:
            print(f"  {action.describe()}")
            details = getattr(action, "details", None)
            for line in details() if callable(details) else []:
                print(f"      {line}")
        if not actions:
            print("  (nothing to do)")
        state = _state_after(actions, state)
    return 0


def _state_after(actions: list[Any], state: State) -> State:
    """The state the next stage would begin with: each action's `planned_state(state)`
    (e.g. the LUKS keys the disks stage records for the files stage's crypttab)."""
    for action in actions:
        planned = getattr(action, "planned_state", None)
        if callable(planned):
            state = planned(state)
    return state


def _first_unmet(actions: list[Any]) -> str | None:
    """What a plan needs from the host now and lacks (an action's `unmet()`, e.g. a disk
    that does not exist: the stage would wait for it, a plan cannot)."""
    for action in actions:
        unmet = getattr(action, "unmet", None)
        found = unmet() if callable(unmet) else None
        if found:
            return str(found)
    return None


def load_composed(
    paths: Sequence[str], system_dir: str | None, platform: str, files_dir: str | None = None
) -> Config | None:
    """The configs (files, or - for standard input), each merged over the one before, over
    the base configs of `system_dir` (None: the agent's; "": none) for `platform`; None
    after printing their problems. `files_dir` is where Butane configs' `local` files and
    trees are read from (None refuses them). Raises OSError for a file that cannot be
    read."""
    from .config.compose import compose, system_config_dir
    from .errors import ConfigError

    users = _parse_inputs(paths, files_dir)
    if users is None:
        return None
    system = Path(system_dir) if system_dir else None
    if system_dir is None:
        system = system_config_dir()
    try:
        return compose(users, system, platform, _print_report, _print_note)
    except ConfigError:
        return None  # its problems are printed


def _parse_inputs(paths: Sequence[str], files_dir: str | None = None) -> list[Config] | None:
    """Parse every config named on the command line (- is standard input), printing every
    problem; None if any has an error. Raises OSError for one that cannot be read."""
    from .config.parse import parse_config
    from .validate_cli import read_input

    configs: list[Config] = []
    failed = False
    for path in paths:
        parsed = parse_config(read_input(path), files_dir=files_dir)
        _print_report(path, parsed)
        if parsed.config is None or parsed.report.has_errors:
            failed = True
        else:
            configs.append(parsed.config)
    return None if failed else configs


def _print_report(path: str | Path, parsed: Parsed) -> None:
    """Every problem of one parsed config on stderr, prefixed by its file (and the note
    for cloud-init user data)."""
    if parsed.user_data_note is not None:
        print(f"{path}: info: {parsed.user_data_note}", file=sys.stderr)
    for entry in parsed.report:
        print(f"{path}: {entry}", file=sys.stderr)


def _print_note(message: str) -> None:
    print(f"ignition-py: {message}", file=sys.stderr)
