"""LUKS2 volumes with cryptsetup and clevis: the commands disks.luks_volume decided, run
with the key in a 0400 temporary file that is removed afterwards. Decides nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..log import Logger
from . import blockdev
from .commands import run


@contextmanager
def key_file(key: bytes) -> Iterator[str]:
    """A 0400 temporary file holding key, removed when the block ends."""
    import tempfile  # only LUKS volumes pay for it (it imports shutil and random)

    fd, path = tempfile.mkstemp(prefix="ignition-luks-")
    try:
        os.fchmod(fd, 0o400)
        os.write(fd, key)
        os.close(fd)
        yield path
    finally:
        os.unlink(path)


def is_luks2(device: str, log: Logger) -> bool:
    """Whether device holds a LUKS2 header (read only)."""
    return (
        run(["cryptsetup", "isLuks", "--type", "luks2", device], log, check=False).returncode == 0
    )


def luks_uuid(device: str, log: Logger) -> str:
    """The UUID in the LUKS header of device (read only). Raises CommandError."""
    return run(["cryptsetup", "luksUUID", device], log).stdout.strip()


def luks_flags(device: str, log: Logger) -> tuple[str, ...]:
    """The persistent flags of device's LUKS2 header (`config.flags` of `cryptsetup
    luksDump --dump-json-metadata`, e.g. "allow-discards"), read only; a null or missing
    `config` or `flags` is none, as Go's json decodes it. Raises CommandError, or
    ValueError when the metadata is not the JSON expected."""
    dump = run(["cryptsetup", "luksDump", "--dump-json-metadata", device], log).stdout
    return parse_luks_flags(dump)


def parse_luks_flags(dump: str) -> tuple[str, ...]:
    """`config.flags` of luksDump's JSON metadata, as luks_flags. Raises ValueError."""
    try:
        config = json.loads(dump).get("config")
        flags = None if config is None else config.get("flags")
    except (ValueError, AttributeError) as err:
        raise ValueError(f"parsing luks metadata: {err}") from err
    if flags is None:
        return ()
    if not isinstance(flags, list) or not all(isinstance(flag, str) for flag in flags):
        raise ValueError(f"parsing luks metadata: config.flags is not a list of strings: {flags}")
    return tuple(flags)


def try_open(open_argv: Sequence[str], log: Logger) -> bool:
    """Run a `cryptsetup luksOpen` argv; whether it opened the volume."""
    return run(open_argv, log, check=False).returncode == 0


def format_and_open(
    format_argv: Sequence[str], open_argv: Sequence[str], device: str, log: Logger
) -> None:
    """luksFormat then luksOpen, refusing a device in use. Raises DeviceError or
    CommandError."""
    blockdev.refuse_if_busy(device)
    run(format_argv, log)
    run(open_argv, log)


def bind_clevis(
    bind_argv: Sequence[str], name: str, device: str, reopen: bool, log: Logger
) -> None:
    """Bind with clevis; when reopen, close the volume and open it through clevis, which
    proves it unlocks. Raises CommandError."""
    run(bind_argv, log)
    if not reopen:
        return
    run(["cryptsetup", "luksClose", name], log)
    run(["clevis", "luks", "unlock", "-d", device, "-n", name], log)


def remove_key(device: str, key_path: str, log: Logger) -> None:
    """Remove the key in key_path from the volume's keyslots."""
    run(["cryptsetup", "luksRemoveKey", device, key_path], log)
