"""`oem://PATH`: a file of the OEM partition, as Flatcar's Ignition fetches it (its
patches 0012 and 0015): PATH, cleaned and absolute, under the OEM lookaside directory
(/oem, where Flatcar's initramfs has the OEM partition; $IGNITION_OEM_LOOKASIDE_DIR
overrides it). Not a network scheme: fetch-offline reads it."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..typecheck import TYPE_CHECKING
from .errors import FetchError

if TYPE_CHECKING:
    from typing import BinaryIO

DEFAULT_OEM_LOOKASIDE_DIR = "/oem"
_CHUNK = 256 * 1024


def oem_lookaside_dir() -> Path:
    """Flatcar's distro.OEMLookasideDir: $IGNITION_OEM_LOOKASIDE_DIR unless unset or empty,
    else /oem."""
    return Path(os.environ.get("IGNITION_OEM_LOOKASIDE_DIR") or DEFAULT_OEM_LOOKASIDE_DIR)


def oem_file(url: str, lookaside: Path | None = None) -> Path:
    """The file `url` names under `lookaside` (default: oem_lookaside_dir()). Go's url.Parse
    keeps the host apart (oem://host/p reads /p) and an opaque oem:p has no path at all.
    Raises FetchError for a path that is not absolute."""
    raw_path = urlsplit(url).path
    path = posixpath.normpath(unquote(raw_path)) if raw_path else "."
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if not path.startswith("/"):
        raise FetchError(f"oem path is not absolute: {raw_path!r}")
    return (lookaside or oem_lookaside_dir()) / path.lstrip("/")


def oem_chunks(url: str) -> Iterator[bytes]:
    """The bytes of the OEM file `url` names, read lazily. Raises FetchError when it cannot
    be opened (Flatcar: "failed to read oem config")."""
    path = oem_file(url)
    try:
        handle = path.open("rb")
    except OSError as err:
        raise FetchError(f"failed to read oem config: open {path}: {err.strerror}") from err
    except ValueError as err:  # a NUL byte (%00): Go's open fails with EINVAL
        shown = str(path).replace("\0", "\\x00")
        raise FetchError(f"failed to read oem config: open {shown}: invalid argument") from err
    return _read(handle)


def _read(handle: BinaryIO) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(_CHUNK):
            yield chunk
