"""Butane's file contents: data URLs for inline and local contents (the shortest of
three encodings, base/util/url.go MakeDataURL), local files read from the files
directory, and the decimal-mode check (base/util/file.go)."""

from __future__ import annotations

import base64
import os

from .messages import FILES_DIR_ESCAPE, NO_FILES_DIR

_UNRESERVED = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()")


def escape(data: bytes) -> str:
    """Percent-escaping of dataurl.Escape (RFC 2396 unreserved characters stay)."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in data)


def _gzip(data: bytes) -> bytes:
    # Go's gzip header: no name, no time, XFL 2 (best compression), OS 255 (unknown).
    import struct
    import zlib

    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = deflate.compress(data) + deflate.flush()
    trailer = struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body + trailer


def make_data_url(
    data: bytes, compression: str | None, auto_compress: bool
) -> tuple[str, str | None]:
    """(data URL, compression to record) for contents: percent-escaped, base64 or gzipped
    base64, whichever is shortest. The compression returned is "" or "gzip" when the
    config set none (so a child config does not inherit a parent's), None when it set
    one (the user compressed the data: it is never compressed again)."""
    chosen: str | None = "" if not compression else None
    opaque = "," + escape(data)
    b64 = ";base64," + base64.b64encode(data).decode()
    if len(b64) < len(opaque):
        opaque = b64
    if not compression and auto_compress:
        gz = ";base64," + base64.b64encode(_gzip(data)).decode()
        if len(gz) + len("gzip") < len(opaque):
            opaque, chosen = gz, "gzip"
    return "data:" + opaque, chosen


def read_local(name: str, files_dir: str | None) -> bytes:
    """A `local:` file's bytes, from within the files directory (Butane's ReadLocalFile).

    Raises LocalFileError with Butane's message: no files directory, a path that climbs
    out of it, or the OS error (Go's words: `open PATH: no such file or directory`)."""
    if not files_dir:
        raise LocalFileError(NO_FILES_DIR)
    path = os.path.normpath(f"{files_dir}/{name}")  # Go's filepath.Join
    ensure_within(path, files_dir)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as err:
        raise LocalFileError(f"open {path}: {_go_strerror(err)}") from None


def ensure_within(path: str, files_dir: str) -> None:
    """Raise LocalFileError when `path` is not inside `files_dir` (lexically, as Go's
    filepath.Abs compares them: symlinks are not followed)."""
    base, target = os.path.abspath(files_dir), os.path.abspath(path)
    if target != base and not target.startswith(base.rstrip("/") + "/"):
        raise LocalFileError(FILES_DIR_ESCAPE)


def _go_strerror(err: OSError) -> str:
    text = err.strerror or str(err)
    return text[0].lower() + text[1:] if text else text


class LocalFileError(Exception):
    """A local file that cannot be read; the message is Butane's."""


def decimal_mode_problem(mode: int, directory: bool) -> bool:
    """True when `mode` looks like octal digits written in decimal (644 for 0644):
    unusual as given, usual once read as octal (Butane's CheckForDecimalMode)."""
    if mode < 0 or mode > 7777:
        return False
    digits = f"{mode:04d}"
    if any(d in "89" for d in digits):
        return False
    return not _typical(mode, directory) and _typical(int(digits, 8), directory)


def _typical(mode: int, directory: bool) -> bool:
    if mode == 0:
        return True
    had_r = had_w = had_x = False
    for perm in (mode & 0o7, (mode >> 3) & 0o7, (mode >> 6) & 0o7):
        r, w, x = bool(perm & 4), bool(perm & 2), bool(perm & 1)
        if (not r and had_r) or (not w and had_w) or (not x and had_x):
            return False
        if x and had_r and not had_x:
            return False
        if (w or x) and not r:
            return False
        had_r, had_w, had_x = had_r or r, had_w or w, had_x or x
    if not had_r:
        return False
    if directory:
        return had_x and not mode & 0o4000 and not (mode & 0o3000 and not had_w)
    if mode & 0o6000 and (not had_x or mode & 2):
        return False
    return not mode & 0o1000
