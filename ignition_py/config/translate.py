"""Older spec versions forward to the newest: each version is a superset of the last,
so a canonical tree of an older version is already one of the newest; only the few
differences in meaning are rewritten here."""

from __future__ import annotations

from typing import Any

from .report import Report
from .versions import NEWEST_STABLE, Version


def translate(tree: dict[str, Any], version: Version, report: Report) -> dict[str, Any]:
    out = dict(tree)
    ignition = dict(out.get("ignition") or {})
    ignition["version"] = str(max(version, NEWEST_STABLE))
    out["ignition"] = ignition
    return out
