"""Upstream's structured journal records, which distributions' units look up by
MESSAGE_ID (FCOS's console messages list the fetched configs and the users whose SSH keys
were written). Same MESSAGE_IDs and field names as v2.26.0 (internal/exec/engine.go,
internal/exec/util/passwd.go); no contents, only kinds, sources, names and paths."""

from __future__ import annotations

from .log import Logger
from .state import FetchedConfig

FETCHED_CONFIG_ID = "57124006b5c94805b77ce473e92a8aeb"
SSH_KEYS_WRITTEN_ID = "225067b87bbd4a0cb6ab151f82fa364b"


def _go_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def fetched_config(log: Logger, fetched: FetchedConfig) -> None:
    """`fetched [referenced ]KIND config from "SOURCE"` with IGNITION_CONFIG_TYPE/SRC/
    REFERENCED; the fetch stages send one per entry of the state's fetchedConfigs once the
    config is cached. Nothing when no journal answers."""
    referenced = "referenced " if fetched.referenced else ""
    message = f"fetched {referenced}{fetched.kind} config from {_go_quote(fetched.source)}"
    fields = {
        "IGNITION_CONFIG_TYPE": fetched.kind,
        "IGNITION_CONFIG_SRC": fetched.source,
        "IGNITION_CONFIG_REFERENCED": "true" if fetched.referenced else "false",
        "MESSAGE_ID": FETCHED_CONFIG_ID,
    }
    log.record(message, fields)


def ssh_keys_written(log: Logger, user: str, path: str) -> None:
    """`wrote ssh authorized keys file for user: NAME` with IGNITION_USER_NAME and
    IGNITION_PATH (the keys file's path in the root, as upstream joins it)."""
    fields = {"IGNITION_USER_NAME": user, "IGNITION_PATH": path, "MESSAGE_ID": SSH_KEYS_WRITTEN_ID}
    log.record(f"wrote ssh authorized keys file for user: {user}", fields)
