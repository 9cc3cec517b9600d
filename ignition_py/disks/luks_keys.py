"""Where each LUKS volume's key comes from, as the plan records it (nothing read, fetched
or generated), and the action that has the keys before the disks stage's first write:
a keyFile's contents (a data URL, or fetched like a file's contents: gunzipped and
hash-checked), else a random key of 8192 hex digits, as upstream's createLuks."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ..config.model import Config, Ignition, Luks, Resource
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
        from hmac import compare_digest  # hmac loads OpenSSL: only when compared

        return isinstance(other, Secret) and compare_digest(self.value, other.value)

    def __hash__(self) -> int:
        return hash(len(self.value))


@frozen_model
class KeySource:
    """Where one volume's key comes from: its keyFile, or None for a random key."""

    name: str
    index: int  # in storage.luks, for the JSON path in errors
    key_file: Resource | None

    @property
    def generated(self) -> bool:
        return self.key_file is None

    def origin(self) -> str:
        """For the plan and logs: never the key, a data URL's payload nor a URL's query."""
        if self.key_file is None:
            return "random key generated"
        return f"key from keyFile {describe_source(self.key_file.source)}"


class KeyRing:
    """The keys the stage has had, by volume name: HaveLuksKeys fills it, the actions
    after it read it. One per planned stage run; never shown."""

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: dict[str, Secret] = {}

    def put(self, name: str, key: bytes) -> None:
        self._keys[name] = Secret(key)

    def key(self, name: str) -> bytes:
        """The key of volume `name`. Raises IgnitionError when it was never had (an
        action ran out of the plan's order)."""
        if name not in self._keys:
            raise IgnitionError(f"internal error: the key of luks {name} was not had yet")
        return self._keys[name].value

    def __repr__(self) -> str:
        return f"<key ring: {len(self._keys)} keys>"


def key_sources(volumes: Sequence[Luks]) -> tuple[KeySource, ...]:
    """Every volume's key source, in config order; a keyFile without a source is none."""
    return tuple(
        KeySource(luks.name, i, luks.key_file if luks.key_file and luks.key_file.source else None)
        for i, luks in enumerate(volumes)
    )


def have_keys(
    sources: Sequence[KeySource], ignition: Ignition, platform: str, ring: KeyRing, log: Logger
) -> None:
    """Put every volume's key in ring: generated, decoded, or fetched with the config's
    timeouts, proxy and CAs. Raises IgnitionError with v2.26.0's "failed to create luks:
    failed to create keyfile ...: <why>", naming the volume and its JSON path where
    upstream names its temporary file."""
    fetch: Fetch | None = None
    for source in sources:
        if source.key_file is None:
            # secrets.token_hex is os.urandom; `secrets` itself costs the stage `random`
            ring.put(source.name, os.urandom(4096).hex().encode("ascii"))
            continue
        url = source.key_file.source
        if needs_fetch(url):
            if fetch is None:
                from ..providers import fetcher_for_config

                fetch = fetcher_for_config(Config(ignition=ignition), log, platform)
            log.info(f"fetching the keyFile of luks {source.name} from {describe_source(url)}")
        try:
            ring.put(source.name, read_contents(source.key_file, fetch).read())
        except IgnitionError as err:
            where = f"luks {source.name} ($.storage.luks.{source.index}.keyFile)"
            raise IgnitionError(
                f"failed to create luks: failed to create keyfile for {where}: {err}"
            ) from err
