"""LUKS2 volumes with cryptsetup (and clevis when the config binds one), as upstream:
reuse a matching volume, else format, open as /dev/mapper/NAME, and keep generated keys
in the state file for the files stage. Keys live only in a 0400 temporary file."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from ..config.model import Luks
from ..disks import luks_rules
from ..disks.fs_rules import table_holds_data
from ..errors import IgnitionError
from ..log import Logger
from ..resources.contents import Fetch, describe_source, read_contents
from ..resources.dataurl import encode_data_url
from ..state import update_state
from . import blockdev
from .commands import run
from .filesystems import probe, wipe_signatures


@contextmanager
def _key_file(key: bytes) -> Iterator[str]:
    fd, path = tempfile.mkstemp(prefix="ignition-luks-")
    try:
        os.fchmod(fd, 0o400)
        os.write(fd, key)
        os.close(fd)
        yield path
    finally:
        os.unlink(path)


def _key_for(luks: Luks, fetched: bytes | None) -> tuple[bytes, bool]:
    """The key and whether ignition-py generated it (8192 hex digits, like upstream)."""
    if fetched is not None:
        return fetched, False
    if luks.key_file is not None and luks.key_file.source:
        return _read_key(luks, None), False
    return secrets.token_hex(4096).encode("ascii"), True


def _read_key(luks: Luks, fetch: Fetch | None) -> bytes:
    assert luks.key_file is not None
    try:
        return read_contents(luks.key_file, fetch).read()
    except IgnitionError as err:
        raise IgnitionError(f"luks {luks.name} keyFile: {err}") from err


def fetch_key_files(
    volumes: Sequence[Luks], fetch: Fetch, keys: luks_rules.FetchedKeys, log: Logger
) -> None:
    """Fetch every keyFile that is not a data URL (http, https, s3, tftp, gs, ...), as a
    file's contents are: gunzipped and hash-checked. Done before the stage's first write,
    so that a key that cannot be had changes no disk. Raises IgnitionError."""
    for luks in volumes:
        if luks_rules.fetched_key_file(luks):
            assert luks.key_file is not None
            log.info(f"fetching the keyFile of luks {luks.name} from "
                     f"{describe_source(luks.key_file.source)}")  # fmt: skip
            keys.put(luks.name, _read_key(luks, fetch))


def create_volume(luks: Luks, state_path: str, log: Logger, fetched: bytes | None = None) -> None:
    """Reuse or format (and open) the volume, as upstream's createLuks; `fetched` is the
    key from fetch_key_files when the keyFile is not a data URL. Raises IgnitionError."""
    try:
        luks_rules.check_supported(luks)
    except luks_rules.LuksRuleError as err:
        raise IgnitionError(str(err)) from err
    assert luks.device is not None
    device = blockdev.resolve(luks.device)
    key, generated = _key_for(luks, fetched)
    clevis = luks_rules.uses_clevis(luks)
    if clevis and shutil.which("clevis") is None:
        raise IgnitionError(
            f"luks {luks.name}: clevis binding requested but clevis is not installed"
        )
    _persist_key(state_path, luks.name, key)
    with _key_file(key) as key_path:
        if not luks.wipe_volume and is_luks2(device, log):
            _reuse(luks, device, key_path, generated, clevis, log)
            return
        if not luks.wipe_volume:
            found = probe(device, log)
            if found.type or table_holds_data(found):
                kind = found.type or f"{found.partition_table} partition table"
                raise IgnitionError(
                    f"volume at {luks.device!r} is not of the correct type (found {kind}) "
                    "and a volume wipe was not requested"
                )
        else:
            wipe_signatures(device, log)
        blockdev.refuse_if_busy(device)
        run(luks_rules.format_argv(luks, key_path, device), log)
        run(luks_rules.open_argv(luks, device, key_path), log)
        if clevis:
            _bind_clevis(luks, device, key_path, log)
            if generated:
                run(["cryptsetup", "luksRemoveKey", device, key_path], log)
                _forget_key(state_path, luks.name)


def is_luks2(device: str, log: Logger) -> bool:
    return (
        run(["cryptsetup", "isLuks", "--type", "luks2", device], log, check=False).returncode == 0
    )


def _reuse(
    luks: Luks, device: str, key_path: str, generated: bool, clevis: bool, log: Logger
) -> None:
    reason = None
    if clevis:
        reason = "config must not specify clevis binding"
    elif generated:
        reason = "config must specify keyfile"
    elif luks.label is not None and probe(device, log).label != luks.label:
        reason = f"volume label doesn't match expected label {luks.label!r}"
    elif luks.uuid is not None:
        found = run(["cryptsetup", "luksUUID", device], log).stdout.strip()
        if found.lower() != luks.uuid.lower():
            reason = f"volume UUID {found!r} doesn't match expected UUID {luks.uuid!r}"
    if (
        reason is None
        and run(luks_rules.open_argv(luks, device, key_path), log, check=False).returncode
    ):
        reason = "failed to open device using specified keyfile"
    if reason is not None:
        raise IgnitionError(
            f"volume wipe was not requested and luks device {luks.device!r} could not be "
            f"reused: {reason}"
        )
    log.info(f"volume at {luks.device!r} is already correctly formatted. Skipping...")


def _bind_clevis(luks: Luks, device: str, key_path: str, log: Logger) -> None:
    pin, config = luks_rules.clevis_pin_and_config(luks)
    run(["clevis", "luks", "bind", "-f", "-k", key_path, "-d", device, pin, config], log)
    run(["cryptsetup", "luksClose", luks.name], log)
    run(["clevis", "luks", "unlock", "-d", device, "-n", luks.name], log)


def _persist_key(state_path: str, name: str, key: bytes) -> None:
    url = encode_data_url(key)
    update_state(state_path, lambda state: state.with_luks_key(name, url))


def _forget_key(state_path: str, name: str) -> None:
    update_state(state_path, lambda state: state.without_luks_key(name))
