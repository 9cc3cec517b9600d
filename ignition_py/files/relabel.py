"""SELinux relabelling at the end of the files stage, as v2.26.0 does it: every path the
stage creates or changes is labelled from the root's own policy with `setfiles`, from the
initramfs (nothing is left for the real root to do).

Which paths, as upstream collects them: for each file, directory and link the first
component of its path that is missing before the stage (the path itself when its parent
exists; setfiles recurses); each unit file, each unit's drop-in directory and each mask
link; the preset file, crypttab, key files and result file like entries; after users and
groups: /etc/{passwd,group,shadow,gshadow,subuid,subgid}*, /etc/.pwd.lock and each
configured user's home (the link's target when the home is a link). Only those that exist
at the end are labelled.

The mount stage labels, as upstream, the topmost directory it makes for a mount point
(before mounting) and the root of a filesystem it mounts that is empty but for lost+found
(stages/mount.py, system/mounts.py).

"The root has a policy" means /etc/selinux/config names a SELINUXTYPE whose
contexts/files/file_contexts exists in the root; otherwise nothing is run. (v2.26.0,
built with relabelling, fails the stage instead when the config or the type is missing.)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..config.model import Config, Directory, File, Link, Passwd, Storage, Systemd
from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from ..stage import Action
from ..typecheck import TYPE_CHECKING
from .root_paths import read_in_root, resolve_in_root

if TYPE_CHECKING:
    from .write_context import WriteContext

SELINUX_CONFIG = "/etc/selinux/config"
FILE_CONTEXTS = "contexts/files/file_contexts"
ACCOUNT_GLOBS = ("passwd*", "group*", "shadow*", "gshadow*", "subuid*", "subgid*")  # in /etc
PASSWD_LOCK = "/etc/.pwd.lock"


def policy_file_contexts(root: Path) -> Path | None:
    """The root's file_contexts for the policy its /etc/selinux/config names (upstream
    reads the first SELINUXTYPE= line), or None when the root has no such policy."""
    raw = read_in_root(root, SELINUX_CONFIG)
    if raw is None:
        return None
    for line in raw.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("SELINUXTYPE="):
            policy = line.removeprefix("SELINUXTYPE=")
            break
    else:
        return None
    if not policy:
        return None
    contexts = resolve_in_root(root, "/etc/selinux", policy, FILE_CONTEXTS, follow_last=True)
    return contexts if contexts.is_file() else None


class _Tree:
    """The root as the stage will have it: what exists now plus every path the stage has
    made so far, taken in the stage's order. Upstream finds each entry's first missing
    component right before making it, so a directory an earlier step made is not one."""

    def __init__(self) -> None:
        self.made: set[Path] = set()

    def exists(self, path: Path) -> bool:
        return path in self.made or os.path.exists(path)

    def make(self, path: Path) -> Path:
        """Record `path` (and its parents) as made; returns `path`."""
        self.made.update((path, *path.parents))
        return path

    def first_missing(self, path: Path) -> Path:
        """Upstream's FindFirstMissingPathComponent, then `path` made: the topmost missing
        ancestor of `path`, or `path` itself when its parent exists."""
        entry = path
        while not self.exists(entry.parent):
            entry = entry.parent
        self.make(path)
        return entry


@frozen_model
class RelabelAction:
    ctx: WriteContext
    file_contexts: Path
    paths: tuple[Path, ...]
    accounts: bool  # users or groups were configured: the account files changed
    homes: tuple[str, ...]  # users whose home directories are labelled

    def describe(self) -> str:
        shown = "/" + str(self.file_contexts.relative_to(self.ctx.root))
        return f"relabeling the paths the files stage wrote, from {shown}"

    def apply(self, log: Logger) -> None:
        from ..system.selinux import setfiles

        existing = sorted(path for path in set(self._candidates()) if _exists(path))
        if not existing:
            return
        try:
            setfiles(self.ctx.root, self.file_contexts, existing, log)
        except IgnitionError as err:
            raise IgnitionError(f"failed to handle relabeling: {err}") from err

    def _candidates(self) -> Iterable[Path]:
        yield from self.paths
        if not self.accounts:
            return
        import glob  # only a root with a policy whose accounts changed pays for it

        etc = resolve_in_root(self.ctx.root, "/etc", follow_last=True)
        for pattern in ACCOUNT_GLOBS:
            yield from (etc / match for match in glob.glob(pattern, root_dir=etc))
        yield self.ctx.path(PASSWD_LOCK)
        for name in self.homes:
            yield _home_as_labelled(self.ctx, self.ctx.user(name).home)


def _home_as_labelled(ctx: WriteContext, home: str) -> Path:
    # A home that is a link (OSTree's /root -> var/roothome) is labelled at its target;
    # both are resolved inside the root (upstream joins them to it unresolved).
    located = ctx.path(home)
    if not located.is_symlink():
        return located
    link = os.readlink(located)
    parts = (link,) if os.path.isabs(link) else (os.path.dirname(home), link)
    return resolve_in_root(ctx.root, *parts)


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    return True


def plan_relabel(config: Config, ctx: WriteContext) -> list[Action]:
    """The relabel action that ends the files stage, or nothing when the root has no
    SELinux policy. Paths of entries are decided now, before the stage writes anything.

    Raises MissingToolError, before anything is written, when the root has a policy
    and setfiles is missing (upstream fails at the end, after writing)."""
    file_contexts = policy_file_contexts(ctx.root)
    if file_contexts is None:
        return []
    from ..system.selinux import require_setfiles

    require_setfiles()
    tree = _Tree()
    storage = config.storage or Storage()
    paths = [tree.first_missing(ctx.path(node.path)) for node in _nodes(storage)]
    paths += _unit_paths(config.systemd, ctx, tree)
    if storage.luks:
        from .crypttab import CRYPTTAB, KEY_DIR

        paths += [tree.first_missing(ctx.path(KEY_DIR, luks.name)) for luks in storage.luks]
        paths.append(tree.first_missing(ctx.path(CRYPTTAB)))
    from .result import RESULT_PATH

    paths.append(tree.first_missing(ctx.path(RESULT_PATH)))
    passwd = config.passwd or Passwd()
    homes = tuple(
        user.name
        for user in passwd.users
        if user.no_create_home is not True and user.should_exist is not False
    )
    accounts = bool(passwd.users or passwd.groups)
    return [RelabelAction(ctx, file_contexts, tuple(paths), accounts, homes)]


def _nodes(storage: Storage) -> list[File | Directory | Link]:
    return [*storage.files, *storage.directories, *storage.links]


def _unit_paths(systemd: Systemd | None, ctx: WriteContext, tree: _Tree) -> list[Path]:
    if systemd is None:
        return []
    from .units import PRESET_PATH, UNITS_DIR

    paths: list[Path] = []
    for unit in systemd.units:
        if any(dropin.contents is not None for dropin in unit.dropins):
            dropins = ctx.path(UNITS_DIR, f"{unit.name}.d")
            paths.append(tree.make(dropins))
        if unit.contents or unit.mask:
            paths.append(tree.make(ctx.path(UNITS_DIR, unit.name)))
    if any(unit.enabled is not None for unit in systemd.units):
        paths.append(tree.first_missing(ctx.path(PRESET_PATH)))
    return paths
