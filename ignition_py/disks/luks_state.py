"""The one place the disks stage touches the state file: the key of each LUKS volume it
formats, as a data URL under `luksPersistKeyFiles`, for the files stage to write to
/etc/luks (upstream's luksPersistKeyFiles); a key clevis replaced is taken out again."""

from __future__ import annotations

from ..resources.dataurl import encode_data_url
from ..state import load_state, update_state

STATE_KEY = "luksPersistKeyFiles"


def record_luks_key(state_path: str, name: str, key: bytes | None) -> None:
    """Keep key (None: forget it) for volume name in the state file at state_path.
    Raises IgnitionError when the state file cannot be read or written."""
    keys = dict(load_state(state_path).get(STATE_KEY) or {})
    if key is None:
        keys.pop(name, None)
    else:
        keys[name] = encode_data_url(key)
    update_state(state_path, STATE_KEY, keys)
