"""Imports every stage module so that each registers itself (PLANNERS / RUNNERS).

Add one import line per stage module here.
"""

from __future__ import annotations

from . import (
    disks,  # noqa: F401
    fetch,  # noqa: F401
    fetch_offline,  # noqa: F401
    files,  # noqa: F401
    kargs,  # noqa: F401
    mount,  # noqa: F401
    umount,  # noqa: F401
)
