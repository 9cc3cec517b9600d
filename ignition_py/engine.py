"""Runs one stage: the rendered config from the cache with the base configs merged under
it (as upstream does in every stage), then the stage's plan, then each action, logged."""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

import ignition_py.stages.registered  # noqa: F401  (the stages register themselves)
from ignition_py.stages import PLANNERS, RUNNERS, StageContext, StageOptions

from .config.base_configs import base_config_files
from .config.build import build, render
from .config.cache import config_from_cache
from .config.model import Config
from .errors import IgnitionError
from .log import Logger
from .state import BASE_SYSTEM, FetchedConfig, State, load_state, update_state

DEFAULT_SYSTEM_CONFIG_DIR = "/usr/lib/ignition"


def system_config_dir() -> Path:
    return Path(os.environ.get("IGNITION_SYSTEM_CONFIG_DIR", DEFAULT_SYSTEM_CONFIG_DIR))


def with_base_configs(user: Config, platform: str, log: Logger) -> Config:
    """Base configs of the system config dir merged under the user's config."""
    system = system_config_dir()
    base_files = base_config_files(system, "")
    platform_files = base_config_files(system, platform, platform_only=True)
    if not base_files and not platform_files:
        return user
    from .config.merge import merge_base_configs
    from .config.parse import parse_config

    def load(paths: list[Path]) -> list[dict[str, object]]:
        trees = []
        for path in paths:
            parsed = parse_config(path.read_bytes())
            if parsed.config is None or parsed.report.has_errors:
                raise IgnitionError(f"base config {path} is invalid:\n{parsed.report}")
            log.info(f"using base config {path}")
            trees.append(render(parsed.config))
        return trees

    merged = merge_base_configs(load(base_files), render(user), load(platform_files))
    return build(Config, merged)


def load_stage_config(options: StageOptions, log: Logger) -> Config:
    try:
        raw = Path(options.config_cache).read_bytes()
    except OSError as err:
        message = f"failed to acquire config: {err.strerror}: {options.config_cache}"
        raise IgnitionError(message) from err
    log.info(
        f"using cached config {options.config_cache} "
        f"({len(raw)} bytes, crc32 {zlib.crc32(raw):08x})"
    )
    return with_base_configs(config_from_cache(raw), options.platform, log)


EXIT_FAILED = 1
EXIT_INIT = 3  # upstream: the state file (or the platform's fetcher) could not be set up


def version_line() -> str:
    """What `ignition -version` prints and each stage logs first."""
    from . import __version__

    return f"Ignition ignition-py {__version__} (Ignition v2.26.0 compatible)"


def begin_stage(stage: str, options: StageOptions) -> tuple[Logger, State] | int:
    """A stage's logger and the state it starts from, after upstream's first two lines;
    EXIT_INIT (before anything is done) when the state file cannot be read or parsed."""
    log = Logger(to_stdout=options.log_to_stdout)
    log.info(version_line())
    log.info(f"Stage: {stage}")
    try:
        return log, load_state(options.state_file)
    except IgnitionError as err:
        log.critical(f"reading state: {err}")
        return EXIT_INIT


def finish_stage(log: Logger, options: StageOptions, fetched: tuple[FetchedConfig, ...]) -> int:
    """The state saved (always, as upstream saves it after every stage that succeeded) with
    the configs this stage took in appended, then upstream's last line. Actions that record
    as they go (mount points, LUKS keys) have already saved theirs."""
    try:
        update_state(options.state_file, lambda state: state.with_fetched(*fetched))
    except (OSError, IgnitionError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        log.critical(f"writing state: {reason}")
        return EXIT_FAILED
    log.info("Ignition finished successfully")
    return 0


def run_stage(stage: str, options: StageOptions) -> int:
    """Exit status as upstream's agent: 0 done, 1 the stage failed, 3 could not start."""
    runner = RUNNERS.get(stage)
    if runner is not None:
        return runner(options)
    started = begin_stage(stage, options)
    if isinstance(started, int):
        return started
    log, _ = started
    planner = PLANNERS.get(stage)
    if planner is None:
        message = f"stage {stage!r} is not implemented yet in ignition-py"
        log.critical(message)
        print(f"ignition-py: {message}", file=sys.stderr)
        return EXIT_FAILED
    try:
        config = load_stage_config(options, log)
        log.stage = stage
        actions = planner(config, StageContext(options, log))
        for action in actions:
            with log.op(action.describe()):
                action.apply(log)
    except IgnitionError as err:
        log.stage = ""
        log.critical(f"Ignition failed: {err}")
        return EXIT_FAILED
    except OSError as err:
        # A system call no action expected to fail (EIO, ENOSPC, a vanished device): the
        # stage fails with what the kernel said, never a traceback.
        where = f" ({err.filename})" if err.filename else ""
        log.stage = ""
        log.critical(f"Ignition failed: {err.strerror or err}{where}")
        return EXIT_FAILED
    log.info(f"{stage} passed")
    log.stage = ""
    return finish_stage(log, options, (BASE_SYSTEM,))
