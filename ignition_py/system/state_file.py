"""Upstream's `-state-file` (JSON) that stages hand to later stages: generated LUKS keys
(luksPersistKeyFiles) and directories the mount stage created (notatedDirectories).
Keys written by other stages are kept as they are."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def load(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_bytes())
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def save(path: str, state: dict[str, Any]) -> None:
    """Atomically, mode 0600 (it may hold key material)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = target.with_name(f".{target.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(state) + "\n")
    os.replace(temporary, target)


def update(path: str, key: str, value: Any) -> None:
    state = load(path)
    state[key] = value
    save(path, state)
