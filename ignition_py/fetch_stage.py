"""The fetch-offline and fetch stages: acquire the config, write the cache, and say
whether the boot needs the network.

fetch-offline sends nothing: if the provider, a referenced config or a CA needs the
network, it touches the neednet file and writes no cache. Otherwise it caches the
rendered config, and still touches neednet when later stages will fetch over the network
(file contents, Tang). fetch runs only when nothing is cached yet."""

from __future__ import annotations

import sys
from pathlib import Path

from .config.cache import write_cached
from .errors import IgnitionError
from .log import Logger
from .stage import StageOptions


def signal_need_net(path: str, log: Logger) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch()
    log.info(f"networking is needed: touched {path}")


def record_fetched_configs(state_file: str, user_source: str | None) -> None:
    """Upstream's `fetchedConfigs` in the state file: the files stage reads from it
    whether a user config was provided (for /etc/.ignition-result.json)."""
    from .state import update_state

    fetched = [{"kind": "base", "source": "system", "referenced": False}]
    if user_source is not None:
        fetched.append({"kind": "user", "source": user_source, "referenced": False})
    update_state(state_file, "fetchedConfigs", fetched)


def run_fetch_stage(stage: str, options: StageOptions, *, offline: bool) -> int:
    log = Logger(stage, to_stdout=options.log_to_stdout)
    log.info(f"Stage: {stage}")
    if not offline and Path(options.config_cache).exists():
        log.info(f"config already cached at {options.config_cache}: nothing to fetch")
        log.info(f"{stage} passed")
        return 0
    from .config.compose import with_base_configs
    from .providers import get_platform
    from .resources.errors import NeedNetError
    from .resources.fetcher import Fetcher
    from .sources import acquire_config, config_needs_net

    fetcher = Fetcher(log, offline=offline)
    try:
        platform = get_platform(options.platform)
        if platform.prepare is not None:
            platform.prepare(fetcher)
        config, source = acquire_config(platform, fetcher, log, options.fetch_timeout)
        full = with_base_configs(config, options.platform, log)
    except NeedNetError as err:
        if not offline:
            return _failed(log, stage, err)
        log.info(f"{err}")
        try:
            signal_need_net(options.neednet, log)
        except OSError as os_err:
            return _failed(log, stage, IgnitionError(f"failed to signal neednet: {os_err}"))
        log.info(f"{stage} passed")
        return 0
    except IgnitionError as err:
        return _failed(log, stage, err)
    try:
        write_cached(options.config_cache, config)
    except OSError as err:
        return _failed(log, stage, IgnitionError(f"failed to write cached config: {err}"))
    log.info(f"wrote the rendered config to {options.config_cache}")
    record_fetched_configs(options.state_file, source)
    if offline and config_needs_net(full):
        signal_need_net(options.neednet, log)
    log.info(f"{stage} passed")
    return 0


def _failed(log: Logger, stage: str, err: IgnitionError) -> int:
    log.critical(f"failed to acquire config: {err}")
    print(f"ignition-py: {stage} failed: {err}", file=sys.stderr)
    return 1
