"""The one place the disks stage touches the state file: the key of each LUKS volume it
formats, as a data URL under `luksPersistKeyFiles`, for the files stage to write to
/etc/luks (upstream's luksPersistKeyFiles); a key clevis replaced is taken out again."""

from __future__ import annotations

from ..resources.dataurl import encode_data_url
from ..state import update_state


def record_luks_key(state_path: str, name: str, key: bytes | None) -> None:
    """Keep key (None: forget it) for volume name in the state file at state_path.
    Raises IgnitionError when the state file cannot be read or written."""
    if key is None:
        update_state(state_path, lambda state: state.without_luks_key(name))
        return
    url = encode_data_url(key)
    update_state(state_path, lambda state: state.with_luks_key(name, url))
