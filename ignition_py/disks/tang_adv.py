"""Before `clevis luks bind`, upstream fetches each tang server's advertisement that the
config does not carry, through Ignition's own fetcher (its retries and the config's
timeouts, proxy and CAs), only to wait for the network: clevis fetches it again itself.
The answers are not kept."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit, urlunsplit

from ..config.model import Config, Ignition, Luks, Resource
from ..errors import IgnitionError
from ..log import Logger


def advertisement_urls(luks: Luks) -> list[str]:
    """`URL/adv` for each tang server of luks without an advertisement in the config, as
    upstream joins it (Go's path.Join on the URL's path; query kept)."""
    if luks.clevis is None:
        return []
    urls = []
    for tang in luks.clevis.tang:
        if tang.advertisement:
            continue
        parts = urlsplit(tang.url)
        path = posixpath.normpath(posixpath.join(parts.path, "adv"))
        if parts.netloc and not path.startswith("/"):
            path = "/" + path
        urls.append(urlunsplit(parts._replace(path=path)))
    return urls


def fetch_advertisements(urls: list[str], ignition: Ignition, platform: str, log: Logger) -> None:
    """Fetch each of urls (see advertisement_urls) with the config's fetcher and drop the
    answer. Raises IgnitionError "fetching tang advertisement: <why>" as upstream."""
    if not urls:
        return
    from ..providers import fetcher_for_config

    fetch = fetcher_for_config(Config(ignition=ignition), log, platform)
    for url in urls:
        log.info(f"fetching the tang advertisement {url}")
        try:
            fetch(Resource(source=url)).read()
        except IgnitionError as err:
            raise IgnitionError(f"fetching tang advertisement: {err}") from err
