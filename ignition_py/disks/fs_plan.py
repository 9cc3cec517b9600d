"""One filesystem decided against its device (upstream's reuse rule, disks.fs_rules):
what blkid found there, whether it is reused, wiped or made, and the mkfs argv."""

from __future__ import annotations

from ..config.model import Filesystem
from ..errors import IgnitionError
from ..frozen import frozen_model
from ..go_text import go_quote
from ..log import Logger
from ..shell_words import join
from ..system.disk_probe import DiskProbe
from ..system.filesystems import Probe
from .fs_rules import Decision, FilesystemRuleError, decide, mkfs_argv


@frozen_model
class FsDecision:
    """A filesystem decided against its device: what blkid found, the decision, and the
    mkfs argv (with the resolved device) when one runs."""

    device: str  # resolved
    found: Probe
    decision: Decision
    argv: tuple[str, ...]  # the mkfs command, () when none runs


def decide_filesystem(fs: Filesystem, device: str, probe: DiskProbe) -> FsDecision:
    """Decide fs on device (resolved) from what is there now. Raises IgnitionError with
    upstream's message when a signature is there and no wipe was asked for."""
    found = probe.filesystem(device)
    try:
        decision = decide(fs, found)
    except FilesystemRuleError as err:
        raise IgnitionError(str(err)) from err
    makes = decision in (Decision.CREATE, Decision.WIPE_AND_CREATE)
    return FsDecision(device, found, decision, tuple(mkfs_argv(fs, device)) if makes else ())


def apply_decision(fs: Filesystem, decided: FsDecision, log: Logger) -> None:
    """Wipe and run mkfs as decided, through system/filesystems."""
    from ..system.filesystems import make_filesystem, wipe_signatures

    device, found = decided.device, decided.found
    log.info(
        f"found {found.type or 'no'} filesystem at {go_quote(fs.device or device)} "
        f"with uuid {go_quote(found.uuid)} and label {go_quote(found.label)}"
    )
    if decided.decision is Decision.REUSE:
        shown = go_quote(fs.device or device)
        log.info(f"filesystem at {shown} is already correctly formatted. Skipping mkfs...")
    if decided.decision in (Decision.WIPE_ONLY, Decision.WIPE_AND_CREATE):
        wipe_signatures(device, log)
    if decided.argv:
        make_filesystem(fs.format or "", decided.argv, device, log)


def describe_filesystem(fs: Filesystem, decided: FsDecision | None) -> str:
    """The plan's line for fs: the decision and argv, or what will be decided later."""
    if decided is None:
        how = "wiping, then creating" if fs.wipe_filesystem else "creating (or reusing)"
        if fs.format == "none":
            how = "wiping signatures of" if fs.wipe_filesystem else "checking there is no fs on"
            return f"{how} {fs.device} (decided when its turn comes)"
        argv = join(mkfs_argv(fs, fs.device))
        return f"{how} {fs.format} filesystem on {fs.device} (decided when its turn comes): {argv}"
    found = decided.found
    seen = f"found {found.type or 'no filesystem'}"
    if found.label or found.uuid:
        seen += f" (label {go_quote(found.label)}, uuid {go_quote(found.uuid)})"
    if found.partition_table:
        seen += f", a {found.partition_table} partition table"
    what = {
        Decision.NOTHING: "nothing to do",
        Decision.REUSE: f"reusing the {fs.format} filesystem",
        Decision.CREATE: f"making {fs.format}",
        Decision.WIPE_AND_CREATE: f"wiping, then making {fs.format}",
        Decision.WIPE_ONLY: "wiping its signatures",
    }[decided.decision]
    argv = f": {join(decided.argv)}" if decided.argv else ""
    where = fs.device if decided.device == fs.device else f"{fs.device} ({decided.device})"
    return f"filesystem on {where}: {seen}; {what}{argv}"
