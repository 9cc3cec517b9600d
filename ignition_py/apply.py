"""ignition-apply's work, as upstream's internal/apply: the config applied to a container
root (or the running system inside a container) by the files stage alone. Everything that
cannot be done live is refused before anything is written, stage by stage in upstream's
order: kernel arguments, disks (disks, RAID, filesystems, LUKS), mounts (filesystems) and
users and groups; `ignore_unsupported` skips those sections instead. Files, directories,
links and systemd units are written; no crypttab, result file or SELinux relabelling."""

from __future__ import annotations

import os

from .config.model import Config, KernelArguments, Passwd, Storage
from .errors import IgnitionError
from .frozen import frozen_model
from .log import Logger
from .stage import Action

CONTAINER_MARKERS = ("/run/.containerenv", "/.dockerenv")
NOT_IN_CONTAINER = (
    "this tool is not designed to run on a host system; reprovision the machine instead"
)


@frozen_model
class ApplyOptions:
    """`ignition-apply`'s flags: root (`--root`, the directory written into),
    ignore_unsupported (`--ignore-unsupported`: skip the sections apply cannot do instead of
    refusing the config) and offline (`--offline`: fail on a resource that needs the
    network)."""

    root: str
    ignore_unsupported: bool
    offline: bool


def in_container(markers: tuple[str, ...] = CONTAINER_MARKERS) -> bool:
    """Upstream's inContainer: $container set (systemd-nspawn, podman, docker), or one
    of podman's and docker's marker files present."""
    variable = os.environ.get("container")  # noqa: SIM112 (lower case, as the tools set it)
    return bool(variable) or any(os.path.exists(p) for p in markers)


def refusal(config: Config, ignore_unsupported: bool) -> str | None:
    """The first of upstream's stage refusals that applies, as "running stage 'S': ...";
    None when the config can be applied live."""
    if ignore_unsupported:
        return None
    kargs = config.kernel_arguments or KernelArguments()
    storage = config.storage or Storage()
    passwd = config.passwd or Passwd()
    checks = (
        ("kargs", bool(kargs.should_exist or kargs.should_not_exist), "kargs modifications"),
        (
            "disks",
            bool(storage.disks or storage.raid or storage.filesystems or storage.luks),
            "disk modifications",
        ),
        ("mount", bool(storage.filesystems), "filesystems modifications"),
        ("files", bool(passwd.users or passwd.groups), "passwd"),
    )
    for stage, refused, what in checks:
        if refused:
            return f"running stage '{stage}': cannot apply {what} live"
    return None


def run_apply(config: Config, options: ApplyOptions, log: Logger) -> None:
    """Apply the parsed `config` under `options.root`, as upstream's apply.Run: refuse a
    host that is no container, render the config's merge/replace references (offline:
    none may need the network), refuse what cannot be applied live, then write.

    Raises IgnitionError (its message is what follows "failed to apply: ") or OSError."""
    if not in_container():
        raise IgnitionError(NOT_IN_CONTAINER)
    from .acquire import config_needs_net, render_references
    from .resources.fetcher import Fetcher

    fetcher = Fetcher(log, offline=options.offline)
    fetcher.configure(config.ignition)
    rendered = render_references(config, fetcher, log, taken=[])  # apply keeps no state
    fetcher.configure(rendered.ignition)
    if options.offline and config_needs_net(rendered):
        raise IgnitionError("resource requires networking")
    refused = refusal(rendered, options.ignore_unsupported)
    if refused is not None:
        raise IgnitionError(refused)
    from .files.ordering import plan_entries
    from .files.units import plan_units
    from .files.write_context import WriteContext

    root = os.path.abspath(options.root)
    ctx = WriteContext.at(root, lambda: fetcher)
    actions: list[Action] = [
        *plan_entries(rendered.storage, ctx),
        *plan_units(rendered.systemd, ctx),
    ]
    for action in actions:
        with log.op(action.describe()):
            action.apply(log)
