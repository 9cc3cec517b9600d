"""`ignition-py plan CONFIG --root R`: what each stage would do to which device and path,
changing nothing (upstream has no such command). Each stage's planner reads the host and
returns its actions; here they are printed instead of applied."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config.model import Config

DEFAULT_STATE_FILE = "/run/ignition/state"


def add_plan_command(subparsers: Any) -> None:
    """Add `plan` to an argparse subparsers object (the one of `ignition-py`)."""
    plan = subparsers.add_parser(
        "plan",
        help="print what each stage would do, changing nothing",
        description=(
            "Parse CONFIG (any spec 3.x), merge it over the base configs, and print for each "
            "stage the actions it would take against ROOT and the host's devices. "
            "Nothing is changed."
        ),
    )
    plan.add_argument("config", help="config file, or - for standard input")
    plan.add_argument("--root", default="/", help="root of the target filesystem (default: /)")
    plan.add_argument("--platform", default="file", help="platform whose base configs apply")
    plan.add_argument(
        "--system-config-dir",
        default=os.environ.get("IGNITION_SYSTEM_CONFIG_DIR", ""),
        help="directory with base.d/ and base.platform.d/PLATFORM/ (default: "
        "$IGNITION_SYSTEM_CONFIG_DIR, else none)",
    )
    plan.add_argument(
        "--state-file", default=DEFAULT_STATE_FILE, help="Ignition's state file (read only)"
    )


def run_plan(args: argparse.Namespace) -> int:
    import ignition_py.stages.registered  # noqa: F401  (the stages register themselves)
    from ignition_py.stages import PLAN_ORDER, PLANNERS, StageContext, StageOptions

    from .errors import IgnitionError
    from .log import Logger

    try:
        config = _load(args.config, args.system_config_dir, args.platform)
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
    context = StageContext(options, Logger("plan", stream=sys.stderr))
    for stage in PLAN_ORDER:
        planner = PLANNERS.get(stage)
        if planner is None:
            continue
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
    return 0


def _first_unmet(actions: list[Any]) -> str | None:
    """What a plan needs from the host now and lacks (an action's `unmet()`, e.g. a disk
    that does not exist: the stage would wait for it, a plan cannot)."""
    for action in actions:
        unmet = getattr(action, "unmet", None)
        found = unmet() if callable(unmet) else None
        if found:
            return str(found)
    return None


def _load(path: str, system_dir: str, platform: str) -> Config | None:
    """The config merged over the base configs, or None after printing its problems."""
    from .config.base_configs import base_config_files
    from .config.build import build, render
    from .config.merge import merge_base_configs
    from .config.model import Config
    from .config.parse import parse_config
    from .validate_cli import read_input

    trees: list[list[dict[str, Any]]] = []
    system = Path(system_dir) if system_dir else None
    groups: list[list[str | Path]] = [
        list(base_config_files(system, "")) if system else [],
        [path],
        list(base_config_files(system, platform, platform_only=True)) if system else [],
    ]
    for paths in groups:
        parsed_group = []
        for item in paths:
            parsed = parse_config(read_input(str(item)))
            for entry in parsed.report:
                print(f"{item}: {entry}", file=sys.stderr)
            if parsed.config is None or parsed.report.has_errors:
                return None
            parsed_group.append(render(parsed.config))
        trees.append(parsed_group)
    bases, (user,), platform_bases = trees
    if not bases and not platform_bases:
        return build(Config, user)
    return build(Config, merge_base_configs(bases, user, platform_bases))
