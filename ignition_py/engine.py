"""Runs one stage: the rendered config from the cache with the base configs merged under
it (as upstream does in every stage), then the stage's plan, then each action, logged."""

from __future__ import annotations

import sys
import zlib

import ignition_py.stages.registered  # noqa: F401  (the stages register themselves)

from .config.cache import config_from_cache
from .config.compose import with_base_configs
from .config.model import Config
from .errors import IgnitionError
from .log import Logger
from .stage import PLANNERS, RUNNERS, StageContext, StageOptions
from .stage_lifecycle import EXIT_FAILED, begin_stage, finish_stage
from .state import BASE_SYSTEM


def load_stage_config(options: StageOptions, log: Logger) -> Config:
    try:
        with open(options.config_cache, "rb") as cache:
            raw = cache.read()
    except OSError as err:
        message = f"failed to acquire config: {err.strerror}: {options.config_cache}"
        raise IgnitionError(message) from err
    log.info(
        f"using cached config {options.config_cache} "
        f"({len(raw)} bytes, crc32 {zlib.crc32(raw):08x})"
    )
    return with_base_configs(config_from_cache(raw), options.platform, log)


def cached_config_problem(path: str) -> str | None:
    """What makes the cache at `path` no valid config (every problem with its JSON path
    and line:col), or None when it is one."""
    from .config.parse import parse_config

    try:
        with open(path, "rb") as cache:
            parsed = parse_config(cache.read())
    except OSError as err:
        return f"failed to acquire config: {err.strerror}: {path}"
    if parsed.config is not None and not parsed.report.has_errors:
        return None
    return f"failed to acquire config: the cached config {path} is invalid:\n{parsed.report}"


def run_stage(stage: str, options: StageOptions) -> int:
    """Exit status as upstream's agent: 0 done, 1 the stage failed, 3 could not start."""
    runner = RUNNERS.get(stage)
    if runner is not None:
        return runner(options)
    started = begin_stage(stage, options)
    if isinstance(started, int):
        return started
    log, state = started
    planner = PLANNERS.get(stage)
    if planner is None:
        message = f"stage {stage!r} is not implemented yet in ignition-py"
        log.critical(message)
        print(f"ignition-py: {message}", file=sys.stderr)
        return EXIT_FAILED
    try:
        config = load_stage_config(options, log)
        log.stage = stage
        actions = planner(config, StageContext(options, log, state))
        for action in actions:
            with log.op(action.describe()):
                action.apply(log)
    except IgnitionError as err:
        log.stage = ""
        log.critical(f"Ignition failed: {err}")
        return EXIT_FAILED
    except (TypeError, ValueError, KeyError, AttributeError):
        # The cache is trusted for speed (no schema on a stage's import path); when it
        # turns out not to be a config, say where, as upstream's full parse of it does.
        problem = cached_config_problem(options.config_cache)
        if problem is None:
            raise
        log.stage = ""
        log.critical(f"Ignition failed: {problem}")
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
