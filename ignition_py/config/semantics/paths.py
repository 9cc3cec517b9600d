"""Path rules shared by files, devices and mount points (upstream's validatePath)."""

from __future__ import annotations

import posixpath

from . import messages


def path_problem(path: str) -> str | None:
    if path == "":
        return messages.NO_PATH
    if not path.startswith("/"):
        return messages.PATH_RELATIVE
    if posixpath.normpath(path).replace("//", "/") != path:
        return messages.DIRTY_PATH
    return None


def optional_path_problem(path: str | None) -> str | None:
    return None if not path else path_problem(path)
