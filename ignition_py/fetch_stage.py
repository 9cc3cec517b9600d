"""The fetch-offline and fetch stages: acquire the config, write the cache, and say
whether the boot needs the network.

fetch-offline sends nothing: if the provider, a referenced config or a CA needs the
network, it touches the neednet file and writes no cache. Otherwise it caches the
rendered config, and still touches neednet when later stages will fetch over the network
(file contents, Tang). fetch runs only when nothing is cached yet.

Each config taken in (the system base config, the user config, each referenced config)
is added to the state's fetchedConfigs, and once the config is cached every entry is
sent to the journal as upstream's fetched-config record."""

from __future__ import annotations

import sys
from pathlib import Path

from .config.cache import write_cached
from .errors import IgnitionError
from .log import Logger
from .log_records import fetched_config
from .stage import StageOptions
from .stage_lifecycle import EXIT_FAILED, begin_stage, finish_stage
from .state import BASE_SYSTEM, FetchedConfig, State


def signal_need_net(path: str, log: Logger) -> None:
    """Touch the neednet file (upstream's signal to the distribution's network unit).
    Raises IgnitionError when it cannot be written."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
    except OSError as err:
        raise IgnitionError(f"failed to signal neednet: {err.strerror or err}: {path}") from err
    log.info(f"networking is needed: touched {path}")


def run_fetch_stage(stage: str, options: StageOptions, *, offline: bool) -> int:
    """The fetch (`offline=False`) or fetch-offline stage, as upstream's: fetch the user
    config from the platform, compose the base configs under it, write it to the config
    cache and send the fetched-config records. Offline, a config that cannot be fetched
    without the network, or a cached one whose resources need it, writes the neednet file.
    Returns the agent's exit status (0 or 1); failures are logged, not raised."""
    started = begin_stage(stage, options)
    if isinstance(started, int):
        return started
    log, state = started
    taken: list[FetchedConfig] = [BASE_SYSTEM]
    if not offline and Path(options.config_cache).exists():
        log.info(f"config already cached at {options.config_cache}: nothing to fetch")
        return _passed(log, stage, options, taken)
    from .acquire import acquire_config, config_needs_net
    from .config.compose import with_base_configs
    from .providers import get_platform
    from .resources.errors import NeedNetError
    from .resources.fetcher import Fetcher

    fetcher = Fetcher(log, offline=offline)
    try:
        platform = get_platform(options.platform)
        if platform.prepare is not None:
            platform.prepare(fetcher)
        config = acquire_config(platform, fetcher, log, options.fetch_timeout, taken)
        full = with_base_configs(config, options.platform, log)
    except NeedNetError as err:
        if not offline:
            return _failed(log, stage, err)
        log.info(f"{err}")
        try:
            signal_need_net(options.neednet, log)
        except IgnitionError as signal_err:
            return _failed(log, stage, signal_err)
        # upstream returns before the stage itself runs: no "passed" line, but the state
        return finish_stage(log, options, tuple(taken))
    except IgnitionError as err:
        return _failed(log, stage, err)
    except OSError as err:  # a base config or system config file that cannot be read
        reason = f"{err.strerror or err}: {err.filename}" if err.filename else str(err)
        return _failed(log, stage, IgnitionError(reason))
    try:
        write_cached(options.config_cache, config)
    except OSError as err:
        return _failed(log, stage, IgnitionError(f"failed to write cached config: {err}"))
    log.info(f"wrote the rendered config to {options.config_cache}")
    _send_records(log, state, taken)
    if offline and config_needs_net(full):
        try:
            signal_need_net(options.neednet, log)
        except IgnitionError as err:
            return _failed(log, stage, err)
    return _passed(log, stage, options, taken)


def _send_records(log: Logger, state: State, taken: list[FetchedConfig]) -> None:
    for entry in (*(state.fetched_configs or ()), *taken):
        fetched_config(log, entry)


def _passed(log: Logger, stage: str, options: StageOptions, taken: list[FetchedConfig]) -> int:
    log.info(f"{stage}: {stage} passed")
    return finish_stage(log, options, tuple(taken))


def _failed(log: Logger, stage: str, err: IgnitionError) -> int:
    log.critical(f"failed to acquire config: {err}")
    log.critical(f"Ignition failed: {err}")
    print(f"ignition-py: {stage} failed: {err}", file=sys.stderr)
    return EXIT_FAILED
