"""Upstream's state file (`-state-file`, JSON) that stages hand to later stages:
`fetchedConfigs` (was a user config provided?), `luksPersistKeyFiles` (key files the
disks stage generated, as data URLs, for the files stage to write to /etc/luks and then
forget), `notatedDirectories` (mount points the mount stage created). Keys a stage does
not know are kept as they are. Mode 0600: it may hold key material."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .errors import IgnitionError

State = dict[str, Any]


def load_state(path: str | Path) -> State:
    try:
        raw = Path(path).read_bytes()  # the host's own file (-state-file), not the target's
    except FileNotFoundError:
        return {}
    except OSError as err:
        raise IgnitionError(f"reading state file {path}: {err.strerror}") from err
    try:
        state = json.loads(raw)
    except ValueError as err:
        raise IgnitionError(f"parsing state file {path}: {err}") from err
    if not isinstance(state, dict):
        raise IgnitionError(f"parsing state file {path}: not a JSON object")
    return state


def save_state(path: str | Path, state: State) -> None:
    target = Path(path)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # a new file renamed over the old: a full /run leaves the old state, never half of one
    temporary = target.with_name(f".state{os.urandom(6).hex()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(json.dumps(state, separators=(",", ":")) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def update_state(path: str | Path, key: str, value: Any) -> None:
    state = load_state(path)
    state[key] = value
    save_state(path, state)


def user_config_provided(state: State) -> bool:
    fetched = state.get("fetchedConfigs") or []
    return any(isinstance(entry, dict) and entry.get("kind") == "user" for entry in fetched)


def notated_directories(state: State) -> tuple[str, ...]:
    """Directories the mount stage created (`/home/dev`, ...), relative to the root, in the
    order they were made; upstream's files stage hands those at or below a user's home to
    that user."""
    dirs = state.get("notatedDirectories") or []
    return tuple(str(d) for d in dirs) if isinstance(dirs, list) else ()


def luks_key_files(state: State) -> dict[str, str]:
    keys = state.get("luksPersistKeyFiles") or {}
    return {str(name): str(url) for name, url in keys.items()} if isinstance(keys, dict) else {}
