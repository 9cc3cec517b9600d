"""Acquiring the user config (upstream's acquireConfig), in upstream's order: the kernel
command line's ignition.config.url (or Flatcar's flatcar.config.url, coreos.config.url),
then user.ign in the system config dir, then the platform's provider; then its
ignition.config.replace / merge references, fetched and merged depth first.
Configs are logged by size and SHA-512, never by content."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config.compose import system_config_dir
from .config.merge import merge_configs
from .config.model import Config, Ignition, Resource, Tang
from .config.report import Severity
from .config.versions import NEWEST_STABLE
from .errors import ConfigError
from .frozen import is_frozen_record
from .log import Logger
from .providers import NoProviderError, Platform, ProviderContext
from .resources.fetcher import Fetcher, url_needs_net
from .resources.stream import CONFIG_SIZE_LIMIT, TooLargeError, read_all, read_file_capped
from .resources.urls import shown_url
from .state import FetchedConfig

try:  # the digest alone: hashlib loads OpenSSL, for one log line
    from _sha512 import sha512  # type: ignore[import-not-found]
except ImportError:  # Python 3.12 and later keep it in _sha2
    from hashlib import sha512

# Flatcar's patch 0006 adds its own and CoreOS's names (flatcar flavour); the last of any
# of them wins.
CMDLINE_URL_FLAGS = frozenset({"ignition.config.url"})
FLATCAR_CMDLINE_URL_FLAGS = CMDLINE_URL_FLAGS | {"flatcar.config.url", "coreos.config.url"}


def empty_config() -> Config:
    return Config(ignition=Ignition(version=str(NEWEST_STABLE)))


def kernel_cmdline_path() -> Path:
    return Path(os.environ.get("IGNITION_KERNEL_CMDLINE_PATH", "/proc/cmdline"))


def cmdline_config_url(log: Logger) -> str | None:
    path = kernel_cmdline_path()
    try:
        text = path.read_text(errors="replace")
    except OSError as err:
        raise ConfigError(f"couldn't read kernel command line {path}: {err.strerror}") from err
    from .flavour import is_flatcar

    flags = FLATCAR_CMDLINE_URL_FLAGS if is_flatcar() else CMDLINE_URL_FLAGS
    url = ""
    for argument in text.split():
        key, equals, value = argument.partition("=")
        if key in flags and equals:
            url = value  # v2.26.0: a later empty value leaves no URL at all
    log.debug(f"parsed url from cmdline: {shown_url(url)!r}")
    return url or None


def describe(raw: bytes) -> str:
    return f"{len(raw)} bytes, sha512 {sha512(raw).hexdigest()[:32]}..."


def parse_user_config(raw: bytes, origin: str, log: Logger) -> Config | None:
    """The config in `raw`; None when it is empty (upstream's ErrEmpty) or user data for
    cloud-init (a cloud-config, a script, a MIME multipart: Flatcar's ErrEmpty too)."""
    from .config.parse import parse_config

    log.info(f"parsing config from {origin} ({describe(raw)})")
    if not raw:
        return None
    parsed = parse_config(raw)
    if parsed.user_data_note is not None:
        log.info(f"{origin}: {parsed.user_data_note}")
        return None
    for entry in parsed.report:
        if entry.severity is Severity.ERROR:
            log.critical(f"{origin}: {entry}")
        else:
            log.warning(f"{origin}: {entry}")
    if parsed.config is None or parsed.report.has_errors:
        count = len(parsed.report.errors())
        raise ConfigError(f"config from {origin} is invalid ({count} error(s), logged above)")
    return parsed.config


def fetch_user_config(
    platform: Platform, fetcher: Fetcher, log: Logger, fetch_timeout: float
) -> tuple[Config | None, str]:
    """(config or None for empty, the name of the source it came from)."""
    url = cmdline_config_url(log)
    if url is not None:
        shown = shown_url(url)
        log.info(f"fetching config from the kernel command line: {shown}")
        raw = read_all(fetcher.open(url), CONFIG_SIZE_LIMIT)
        return parse_user_config(raw, "cmdline", log), "cmdline"
    log.info("no config URL provided")
    user = system_config_dir() / "user.ign"
    log.info(f"reading system config file {str(user)!r}")
    if user.is_file():
        return parse_user_config(read_file_capped(user), str(user), log), "system"
    log.info(f"no config at {str(user)!r}")
    context = ProviderContext(fetcher, log, fetch_timeout)
    try:
        raw = platform.fetch(context)
    except NoProviderError as err:
        raise ConfigError(f"config provider was not online: {err}") from err
    if len(raw) > CONFIG_SIZE_LIMIT:  # providers that cannot stop while reading
        raise TooLargeError(f"the {platform.name} config", CONFIG_SIZE_LIMIT)
    return parse_user_config(raw, platform.name, log), platform.name


def fetch_referenced(
    reference: Resource, fetcher: Fetcher, log: Logger, taken: list[FetchedConfig]
) -> Config:
    source = reference.source or ""
    shown = shown_url(source)
    try:
        raw = read_all(fetcher.open_resource(reference), CONFIG_SIZE_LIMIT)
    except ConfigError as err:
        raise ConfigError(f"failed to fetch referenced config {shown}: {err}") from err
    config = parse_user_config(raw, f"referenced config {shown}", log)
    if config is None:
        raise ConfigError(f"referenced config {shown} is empty")
    taken.append(FetchedConfig("user", go_url_path(source), referenced=True))
    return config


def render_references(
    config: Config, fetcher: Fetcher, log: Logger, taken: list[FetchedConfig]
) -> Config:
    """Upstream's RenderConfig: replace, else each merge child rendered and merged over
    what came before, with the fetcher set up from the configs seen so far. Each fetched
    reference is added to `taken` as it is fetched, as upstream adds it to the state."""
    references = config.ignition.config
    replace = references.replace if references is not None else None
    if replace is not None and replace.source:
        child = fetch_referenced(replace, fetcher, log, taken)
        fetcher.configure(child.ignition)
        return render_references(child, fetcher, log, taken)
    result = config
    for reference in references.merge if references is not None else ():
        child = fetch_referenced(reference, fetcher, log, taken)
        fetcher.configure(merge_configs(result, child).ignition)
        child = render_references(child, fetcher, log, taken)
        result = merge_configs(result, child)
    return result


def go_url_path(source: str) -> str:
    """Go's url.Parse(source).Path, which upstream records as a referenced config's source:
    the decoded path, empty for an opaque URL (data:, arn:)."""
    parts = urlsplit(source)
    if parts.scheme and not parts.netloc and not parts.path.startswith("/"):
        return ""
    return unquote(parts.path)


def acquire_config(
    platform: Platform,
    fetcher: Fetcher,
    log: Logger,
    fetch_timeout: float,
    taken: list[FetchedConfig],
) -> Config:
    """The rendered user config as the cache holds it (CAs inlined), validated. Each
    config taken in is added to `taken` as soon as it is fetched, as upstream adds it to
    the state: the user config with its provider's name ("cmdline", "system", the
    platform), then each referenced config; none when no user config was provided."""
    from .config.semantics import check_semantics

    fetcher.use_timeouts(fetch_timeout)
    config, source = fetch_user_config(platform, fetcher, log, fetch_timeout)
    if config is None:
        log.info("provider config was empty, continuing with empty cache config")
        return empty_config()
    log.info(f"fetched user config from {source!r}")
    taken.append(FetchedConfig("user", source))
    fetcher.configure(config.ignition)
    rendered = render_references(config, fetcher, log, taken)
    if rendered is not config:
        # Each fetched config was checked at its own version; what merging made of them
        # is checked again, at the newest stable spec they were all translated to.
        fetcher.configure(rendered.ignition)
        found = check_semantics(rendered, NEWEST_STABLE)
        problems = [e for e in found if e.severity is Severity.ERROR]
        if problems:
            for entry in problems:
                log.critical(str(entry))
            raise ConfigError("merging configs resulted in an invalid config")
    return fetcher.inline_cas(rendered)


def config_needs_net(node: object) -> bool:
    """Whether any resource of the config needs the network (or any Tang server)."""
    pending = [node]
    while pending:
        item = pending.pop()
        if type(item) is Resource:
            if item.source and url_needs_net(item.source):
                return True
        elif type(item) is Tang:
            return True
        elif type(item) is tuple:
            pending.extend(value for value in item if type(value) not in _LEAVES)
        elif is_frozen_record(item):
            pending.extend(value for value in vars(item).values() if type(value) not in _LEAVES)
    return False


# What a config holds that can never be (or hold) a resource.
_LEAVES = frozenset({str, int, bool, float, type(None)})
