"""Where each LUKS volume's key comes from, decided (and the key had) before the disks
stage's first write, as upstream: the keyFile's contents (a data URL, or fetched like a
file's contents: gunzipped and hash-checked), else a random key of 8192 hex digits."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from ..config.model import Config, Ignition, Luks
from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from ..resources.contents import Fetch, describe_source, needs_fetch, read_contents


class Secret:
    """Key bytes that no repr, log line or plan output shows."""

    __slots__ = ("value",)

    def __init__(self, value: bytes) -> None:
        self.value = value

    def __repr__(self) -> str:
        return f"<secret: {len(self.value)} bytes>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self.value, other.value)

    def __hash__(self) -> int:
        return hash(len(self.value))


@frozen_model
class LuksKey:
    """A volume's key and where it came from (shown in the plan instead of the key)."""

    origin: str  # for the plan and logs: never the key, nor a URL's query
    generated: bool
    secret: Secret


def decide_keys(
    volumes: Sequence[Luks], ignition: Ignition, platform: str, log: Logger
) -> dict[str, LuksKey]:
    """Every volume's key by name. A keyFile that is not a data URL is fetched here with
    the config's timeouts, proxy and CAs. Raises IgnitionError naming the volume."""
    fetch: Fetch | None = None
    keys: dict[str, LuksKey] = {}
    for luks in volumes:
        source = luks.key_file.source if luks.key_file is not None else None
        if luks.key_file is None or not source:
            key = secrets.token_hex(4096).encode("ascii")
            keys[luks.name] = LuksKey("random key generated", True, Secret(key))
            continue
        if needs_fetch(source) and fetch is None:
            from ..providers import fetcher_for_config

            fetch = fetcher_for_config(Config(ignition=ignition), log, platform)
        shown = describe_source(source)
        if needs_fetch(source):
            log.info(f"fetching the keyFile of luks {luks.name} from {shown}")
        try:
            key = read_contents(luks.key_file, fetch).read()
        except IgnitionError as err:
            raise IgnitionError(f"luks {luks.name} keyFile: {err}") from err
        how = "fetched" if needs_fetch(source) else "read"
        keys[luks.name] = LuksKey(f"key from keyFile {shown} {how}", False, Secret(key))
    return keys
