"""Runs one stage: the rendered config from the cache with the base configs merged under
it (as upstream does in every stage), then the stage's plan, then each action, logged."""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import ignition_py.stages.registered  # noqa: F401  (the stages register themselves)

from .config.cache import config_from_cache
from .config.compose import with_base_configs
from .config.model import Config
from .errors import IgnitionError
from .log import Logger
from .stage import PLANNERS, RUNNERS, StageContext, StageOptions


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


def run_stage(stage: str, options: StageOptions) -> int:
    log = Logger(stage, to_stdout=options.log_to_stdout)
    runner = RUNNERS.get(stage)
    if runner is not None:
        return runner(options)
    planner = PLANNERS.get(stage)
    if planner is None:
        message = f"stage {stage!r} is not implemented yet in ignition-py"
        log.critical(message)
        print(f"ignition-py: {message}", file=sys.stderr)
        return 1
    log.info(f"Stage: {stage}")
    try:
        config = load_stage_config(options, log)
        actions = planner(config, StageContext(options, log))
        for action in actions:
            with log.op(action.describe()):
                action.apply(log)
    except IgnitionError as err:
        log.critical(f"Ignition failed: {err}")
        return 1
    except OSError as err:
        # A system call no action expected to fail (EIO, ENOSPC, a vanished device): the
        # stage fails with what the kernel said, never a traceback.
        where = f" ({err.filename})" if err.filename else ""
        log.critical(f"Ignition failed: {err.strerror or err}{where}")
        return 1
    log.info(f"{stage} passed")
    return 0
