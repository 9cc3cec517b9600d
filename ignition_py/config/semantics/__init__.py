"""Rules the schema cannot express, one module per section of the spec."""

from __future__ import annotations

from ..model import Config
from ..report import Entry
from ..versions import Version


def check_semantics(config: Config, version: Version) -> list[Entry]:
    return []
