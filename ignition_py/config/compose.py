"""The config a stage runs: the base configs a distribution ships under the system config
dir, merged under the user's config. Written once for the engine, `ignition-py render` and
`ignition-py plan`.

Upstream's FetchBaseConfig: `base.d/*` merged in name order, `base.platform.d/PLATFORM/*`
likewise, the latter over the former, and the user's config over the result. Upstream
always has a platform; an empty one here means no platform base configs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from ..errors import ConfigError
from ..log import Logger
from ..typecheck import TYPE_CHECKING
from .model import Config

if TYPE_CHECKING:
    from pathlib import Path

    from .parse import Parsed

DEFAULT_SYSTEM_CONFIG_DIR = "/usr/lib/ignition"
BASE_DIR = "base.d"
PLATFORM_BASE_DIR = "base.platform.d"

# Called with each base config file and what parsing it found, before its errors end
# the composition: the engine logs the file, the commands print the problems.
OnParsed = Callable[["Path", "Parsed"], None]


def system_config_dir() -> Path:
    """Upstream's distro.SystemConfigDir: $IGNITION_SYSTEM_CONFIG_DIR unless unset or
    empty, else /usr/lib/ignition. The only place that reads it."""
    from pathlib import Path

    return Path(_system_config_dir_name())


def _system_config_dir_name(environment: Mapping[str, str] | None = None) -> str:
    values = os.environ if environment is None else environment
    return values.get("IGNITION_SYSTEM_CONFIG_DIR") or DEFAULT_SYSTEM_CONFIG_DIR


def has_base_configs(platform: str, environment: Mapping[str, str] | None = None) -> bool:
    """Whether a stage on `platform` would merge base configs: the system config dir (of
    `environment`, default this process's) has base.d or base.platform.d/PLATFORM."""
    directory = _system_config_dir_name(environment)
    platform_dir = os.path.join(directory, PLATFORM_BASE_DIR, platform)
    return os.path.isdir(os.path.join(directory, BASE_DIR)) or bool(
        platform and os.path.isdir(platform_dir)
    )


def base_config_files(system_dir: Path, platform: str) -> tuple[list[Path], list[Path]]:
    """(files of base.d, files of base.platform.d/PLATFORM), each in name order; a
    missing directory has none, and an empty platform has no platform directory."""
    platform_dir = system_dir / PLATFORM_BASE_DIR / platform
    return _files_in(system_dir / BASE_DIR), _files_in(platform_dir) if platform else []


def _files_in(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file()) if directory.is_dir() else []


def compose(
    users: Sequence[Config],
    system_dir: Path | None,
    platform: str,
    on_parsed: OnParsed,
    on_note: Callable[[str], None],
) -> Config:
    """The user configs, each merged over the one before, merged over the base configs of
    `system_dir` (None: no base configs) for `platform`.

    Raises ConfigError naming the first base.d config that has an error (after
    `on_parsed` saw its problems) and OSError for one that cannot be read. As upstream,
    a platform directory with such a config is left out whole, said through `on_note`.
    """
    from .merge import merge_all, merge_base_configs

    user = merge_all(users)
    if system_dir is None:
        return user
    base_files, platform_files = base_config_files(system_dir, platform)
    if not base_files and not platform_files:
        return user
    bases = [_read_base(path, on_parsed) for path in base_files]
    try:
        platform_bases = [_read_base(path, on_parsed) for path in platform_files]
    except (ConfigError, OSError) as err:
        reason = err.strerror if isinstance(err, OSError) else "config is not valid"
        on_note(f"no config at {str(platform_files[0].parent)!r}: {reason}")
        platform_bases = []
    return merge_base_configs(bases, user, platform_bases)


def with_base_configs(user: Config, platform: str, log: Logger) -> Config:
    """What every stage runs: `user` over the base configs of the system config dir, each
    base config file logged by path. Raises ConfigError for an invalid base.d config."""

    def logged(path: Path, _: Parsed) -> None:
        log.info(f"using base config {path}")

    if not has_base_configs(platform):
        return user  # nothing to merge (and no pathlib for a stage that has none)
    return compose([user], system_config_dir(), platform, logged, log.info)


def _read_base(path: Path, on_parsed: OnParsed) -> Config:
    from .parse import parse_config

    parsed = parse_config(path.read_bytes())
    on_parsed(path, parsed)
    if parsed.config is None or parsed.report.has_errors:
        raise ConfigError(f"base config {path} is invalid:\n{parsed.report}")
    return parsed.config
