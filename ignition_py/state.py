"""Upstream's state file (`-state-file`, JSON) that stages hand to later stages, as a typed
record (internal/state/state.go at v2.26.0):

- `fetchedConfigs`: every config a stage took in ({kind, source, referenced}); each stage
  adds the system base config, the fetch stages the user config and those it references;
  the files stage reads from it whether a user config was provided.
- `luksPersistKeyFiles`: key files the disks stage generated (name -> data URL), which the
  files stage writes under /etc/luks and then drops (null).
- `notatedDirectories`: directories the mount stage created, relative to the root.
- `providerOutputFiles`: files a provider fetched alongside the config (Hyper-V KVP);
  kept as the JSON it was loaded from.
- `luksPersistVolumeKeyFiles`: volume key files (IBM CEX), kept as loaded.

Written in full, key for key and byte for byte as Go's encoding/json writes the struct
(null for an absent list or map, map keys sorted, `<>&` escaped), mode 0600: it may hold
key material. Keys upstream does not know are dropped, as Go's decoder drops them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping

from .errors import IgnitionError
from .frozen import frozen_model, replace
from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any


@frozen_model
class FetchedConfig:
    """One config a fetch stage took (upstream's fetchedConfigs state entries): kind "base" or
    "user", its source ("system", the provider's name, or a referenced config's URL path) and
    whether it was referenced by another config."""

    kind: str  # "base" or "user"
    source: str  # "system", the provider's name, or a referenced config's URL path
    referenced: bool = False


BASE_SYSTEM = FetchedConfig("base", "system")

Keys = tuple[tuple[str, str], ...]


@frozen_model
class State:
    """One stage's view of the state file. None is Go's nil (written as null)."""

    fetched_configs: tuple[FetchedConfig, ...] | None = None
    luks_persist_key_files: Keys | None = None  # sorted (name, data URL) pairs
    notated_directories: tuple[str, ...] | None = None
    provider_output_files: tuple[Any, ...] | None = None
    luks_persist_volume_key_files: Keys | None = None

    def __repr__(self) -> str:  # the key files' data URLs are key material: names only
        def names(keys: Keys | None) -> object:
            return None if keys is None else tuple(name for name, _ in keys)

        return (
            f"State(fetched_configs={self.fetched_configs!r}, "
            f"luks_persist_key_files={names(self.luks_persist_key_files)!r}, "
            f"notated_directories={self.notated_directories!r}, "
            f"provider_output_files={self.provider_output_files!r}, "
            f"luks_persist_volume_key_files={names(self.luks_persist_volume_key_files)!r})"
        )

    @property
    def user_config_provided(self) -> bool:
        return any(entry.kind == "user" for entry in self.fetched_configs or ())

    @property
    def luks_keys(self) -> dict[str, str]:
        return dict(self.luks_persist_key_files or ())

    def with_fetched(self, *entries: FetchedConfig) -> State:
        return replace(self, fetched_configs=(*(self.fetched_configs or ()), *entries))

    def with_notated(self, directories: tuple[str, ...]) -> State:
        """`directories` added after those known, each once, in the order given."""
        known = self.notated_directories or ()
        new = tuple(d for d in dict.fromkeys(directories) if d not in known)
        return replace(self, notated_directories=(*known, *new)) if new else self

    def with_luks_key(self, name: str, data_url: str) -> State:
        """Upstream's disks stage makes both key maps before its first volume."""
        keys = {**self.luks_keys, name: data_url}
        volume_keys = self.luks_persist_volume_key_files or ()
        return replace(
            self, luks_persist_key_files=_sorted(keys), luks_persist_volume_key_files=volume_keys
        )

    def without_luks_key(self, name: str) -> State:
        if self.luks_persist_key_files is None:
            return self
        keys = {k: v for k, v in self.luks_persist_key_files if k != name}
        return replace(self, luks_persist_key_files=_sorted(keys))

    def without_luks_keys(self) -> State:
        """The files stage drops the keys once written to the root (upstream sets nil)."""
        return replace(self, luks_persist_key_files=None)


def _sorted(keys: Mapping[str, str]) -> Keys:
    return tuple(sorted(keys.items()))


# Go's decoder matches a JSON key to a struct field case-insensitively.
_FIELDS = {
    "fetchedconfigs": "fetched_configs",
    "lukspersistkeyfiles": "luks_persist_key_files",
    "notateddirectories": "notated_directories",
    "provideroutputfiles": "provider_output_files",
    "lukspersistvolumekeyfiles": "luks_persist_volume_key_files",
}


def load_state(path: str | Path) -> State:
    """The state in `path` (the host's own file, `-state-file`); an empty state when it
    does not exist. Raises IgnitionError ("reading state file: ..." / "parsing state file:
    ...", upstream's wording) when it cannot be read or is not a state."""
    try:
        with open(path, "rb") as file:
            raw = file.read()
    except FileNotFoundError:
        return State()
    except OSError as err:
        raise IgnitionError(f"reading state file: read {path}: {err.strerror}") from err
    try:
        tree = json.loads(raw)
    except ValueError as err:
        raise IgnitionError(f"parsing state file: {err}") from err
    if tree is None:
        return State()
    if not isinstance(tree, dict):
        raise IgnitionError(f"parsing state file: {path} is not a JSON object")
    values: dict[str, Any] = {}
    for key, value in tree.items():
        name = _FIELDS.get(key.lower())
        if name is not None:
            values[name] = _DECODERS[name](key, value)
    return State(**values)


def _wrong(key: str, expected: str) -> IgnitionError:
    return IgnitionError(f"parsing state file: {key}: not {expected}")


def _fetched(key: str, value: Any) -> tuple[FetchedConfig, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(e, dict | None) for e in value):
        raise _wrong(key, "a list of objects")
    entries = []
    for entry in value:
        fields = {k.lower(): v for k, v in (entry or {}).items()}
        kind, source = fields.get("kind") or "", fields.get("source") or ""
        referenced = fields.get("referenced") or False
        if not isinstance(kind, str) or not isinstance(source, str):
            raise _wrong(f"{key}.kind/source", "a string")
        if not isinstance(referenced, bool):
            raise _wrong(f"{key}.referenced", "a boolean")
        entries.append(FetchedConfig(kind, source, referenced))
    return tuple(entries)


def _string_map(key: str, value: Any) -> Keys | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _wrong(key, "an object of strings")
    return _sorted(value)


def _strings(key: str, value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _wrong(key, "a list of strings")
    return tuple(value)


def _list(key: str, value: Any) -> tuple[Any, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        raise _wrong(key, "a list")
    return tuple(value)


_DECODERS: dict[str, Callable[[str, Any], Any]] = {
    "fetched_configs": _fetched,
    "luks_persist_key_files": _string_map,
    "notated_directories": _strings,
    "provider_output_files": _list,
    "luks_persist_volume_key_files": _string_map,
}


def state_json(state: State) -> str:
    """The file's text as Go's json.Marshal writes the struct, with its trailing newline."""

    def pairs(keys: Keys | None) -> dict[str, str] | None:
        return None if keys is None else dict(keys)

    def listed(items: tuple[Any, ...] | None) -> list[Any] | None:
        return None if items is None else list(items)

    fetched = state.fetched_configs
    tree = {
        "fetchedConfigs": None
        if fetched is None
        else [{"kind": e.kind, "source": e.source, "referenced": e.referenced} for e in fetched],
        "luksPersistKeyFiles": pairs(state.luks_persist_key_files),
        "notatedDirectories": listed(state.notated_directories),
        "providerOutputFiles": listed(state.provider_output_files),
        "luksPersistVolumeKeyFiles": pairs(state.luks_persist_volume_key_files),
    }
    text = json.dumps(tree, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in _GO_ESCAPES.items():
        text = text.replace(char, escaped)
    return text + "\n"


# Outside strings the text has none of these, so replacing them everywhere is safe.
_GO_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def save_state(path: str | Path, state: State) -> None:
    """Atomically: a new 0600 file renamed over the old, so a full /run leaves the old
    state, never half of one. Raises OSError."""
    from .system.fs_writes import write_atomic

    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    write_atomic(path, state_json(state).encode("utf-8"), 0o600)


def update_state(path: str | Path, change: Callable[[State], State]) -> None:
    """Load, change and save in one step (for an action that records as it goes)."""
    save_state(path, change(load_state(path)))
