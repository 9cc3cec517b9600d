"""Upstream's createLuks for one volume, decided against the device as it is when the
volume's turn comes (it may be a partition made moments before): reuse a matching LUKS2
volume, else format (wiping first when asked) and open it as /dev/mapper/NAME, then bind
clevis. The commands run through system/luks."""

from __future__ import annotations

from collections.abc import Callable

from ..config.model import Luks, uses_clevis
from ..errors import CommandError, IgnitionError
from ..go_text import go_quote
from ..log import Logger
from ..system import luks as system_luks
from ..system.disk_probe import DiskProbe
from ..system.filesystems import wipe_signatures
from . import luks_rules
from .fs_rules import table_holds_data


def reuse_refusal(
    luks: Luks, device: str, generated: bool, clevis: bool, probe: DiskProbe
) -> str | None:
    """Why an existing LUKS2 volume on device cannot be reused, before trying its key, in
    upstream's words and order (clevis, generated key, label, UUID, allow-discards flag).
    The UUID is compared exactly, as upstream does: cryptsetup keeps a UUID in lower case,
    so a config's upper-case UUID never matches. A failing luksUUID or luksDump is the
    reason, in Go's words ("exit status N"), as upstream reports it. None when it may be
    reused."""
    if clevis:
        return "config must not specify clevis binding"
    if generated:
        return "config must specify keyfile"
    if luks.label is not None:
        found_label = probe.filesystem(device).label
        if found_label != luks.label:
            return (
                f"volume label {go_quote(found_label)} doesn't match expected label "
                f"{go_quote(luks.label)}"
            )
    try:
        if luks.uuid is not None:
            found = probe.luks_uuid(device)
            if found != luks.uuid:
                return (
                    f"volume UUID {go_quote(found)} doesn't match expected UUID "
                    f"{go_quote(luks.uuid)}"
                )
        flagged = "allow-discards" in probe.luks_flags(device)
    except CommandError as err:
        return _go_exit_status(err.returncode)
    except ValueError as err:
        return str(err)
    if flagged != bool(luks.discard):
        return (
            f"volume allow-discards flag {_go_bool(flagged)} doesn't match expected value "
            f"{_go_bool(bool(luks.discard))}"
        )
    return None


def refusal_before_format(
    luks: Luks, device: str, generated: bool, luks2: bool, probe: DiskProbe
) -> IgnitionError | None:
    """Upstream's refusals for a volume not wiped that need no key: a LUKS2 header that
    does not match (reuse_refusal), LUKS1, or another filesystem or a partition table on
    the device. For the plan, before anything is written; make_volume asks the same."""
    if luks2:
        reason = reuse_refusal(luks, device, generated, uses_clevis(luks), probe)
        return None if reason is None else _not_reused(luks, reason)
    found = probe.filesystem(device)
    if found.type == "crypto_LUKS":  # LUKS1: isLuks without --type luks2, upstream
        return IgnitionError(
            f"failed to create luks: {luks.device} is a luks device but not luks2; "
            "Ignition cannot reuse it"
        )
    if found.type or table_holds_data(found):
        kind = found.type or f"{found.partition_table} partition table"
        return IgnitionError(
            f"volume at {go_quote(luks.device or '')} is not of the correct type (found "
            f"{kind}) and a volume wipe was not requested"
        )
    return None


def _not_reused(luks: Luks, reason: str) -> IgnitionError:
    return IgnitionError(
        f"volume wipe was not requested and luks device {go_quote(luks.device or '')} could "
        f"not be reused: {reason}"
    )


def _go_exit_status(returncode: int) -> str:
    """Go's exec.ExitError text."""
    return f"exit status {returncode}" if returncode >= 0 else f"signal: {-returncode}"


def _go_bool(value: bool) -> str:
    return "true" if value else "false"


def make_volume(
    luks: Luks,
    device: str,
    key: bytes,
    generated: bool,
    probe: DiskProbe,
    log: Logger,
    luks2: bool | None = None,
    before_bind: Callable[[], None] | None = None,
) -> None:
    """Reuse or format (and open) the volume on device (resolved); with clevis, bind it,
    and remove a generated key from the volume (clevis replaces it). luks2 is whether the
    device holds a LUKS2 header, when the plan already knows; before_bind runs between
    opening and `clevis luks bind` (upstream fetches tang advertisements there). Raises
    IgnitionError with upstream's messages."""
    clevis = uses_clevis(luks)
    with system_luks.key_file(key) as key_path:
        open_argv = luks_rules.open_argv(luks, device, key_path)
        if luks2 is None and not luks.wipe_volume:
            luks2 = probe.is_luks2(device)
        if luks.wipe_volume:
            wipe_signatures(device, log)
        else:
            refusal = refusal_before_format(luks, device, generated, bool(luks2), probe)
            if refusal is None and luks2 and not system_luks.try_open(open_argv, log):
                refusal = _not_reused(luks, "failed to open device using specified keyfile")
            if refusal is not None:
                raise refusal
            if luks2:
                where = go_quote(luks.device or "")
                log.info(f"volume at {where} is already correctly formatted. Skipping...")
                return
        format_argv = luks_rules.format_argv(luks, key_path, device)
        system_luks.format_and_open(format_argv, open_argv, device, log)
        if clevis:
            if before_bind is not None:
                before_bind()
            bind = luks_rules.bind_argv(luks, device, key_path)
            reopen = luks_rules.reopens_after_bind(luks)
            system_luks.bind_clevis(bind, luks.name, device, reopen, log)
            if generated:
                system_luks.remove_key(device, key_path, log)
