"""Rules upstream v2.26.0 does not have, for configs it accepts and then fails on or
does damage with: refusing them at validation changes nothing on disk.

- an entry at / (a file or link replaces the root; overwrite deletes it), or one
  that would replace a filesystem's mount point;
- a NUL in a string that becomes a path, a name or an argument (Go fails in the stage;
  C strings cut it short);
- an integer no Linux call takes (an owner id outside 0..2^32-2, a negative count);
- a name handed to a tool as an argument that the tool would read as an option (a user,
  group, unit, LUKS or RAID name starting with '-': `useradd --help` exits 0 and creates
  nobody), or a LUKS/RAID name that is no device name under /dev/mapper or /dev/md.
"""

from __future__ import annotations

from ...typecheck import TYPE_CHECKING
from ..fields import Kind, field_specs
from ..model import Config, Directory, File, Link, Storage
from ..report import JsonPath
from .nodes import all_nodes
from .problems import Problems

if TYPE_CHECKING:
    from typing import Any

ROOT_FILE = "a file at / would replace the root"
ROOT_LINK = "a link at / would turn the root into a link"
ROOT_DIRECTORY_OVERWRITE = "overwrite of / would delete the whole root"
ROOT_DIRECTORY = "directory / is the root itself"
MOUNT_POINT_NODE = "path is where filesystem {index} is mounted: a {kind} cannot replace it"
MOUNT_POINT_OVERWRITE = (
    "path is where filesystem {index} is mounted: overwrite would delete what it holds"
)
NUL_IN_STRING = "contains a NUL character, which no path, name or argument can hold"
ID_RANGE = "ids on Linux are 0 to 4294967294"
NEGATIVE = "must not be negative"
MIB_RANGE = "too large: no disk holds that many MiB"
OPTION_LIKE_NAME = "starts with '-': {tool} would read it as an option"
DOT_DEVICE_NAME = "{name!r} is no device name: /dev/{where}/{name} is a directory"

# Mounted by the mount stage (a path and one of these formats), as upstream does.
_MOUNTED_FORMATS = ("ext4", "xfs", "btrfs", "vfat")
_MAX_ID = (1 << 32) - 2  # (uid_t)-1 means "no change" to chown
_MAX_INT = (1 << 63) - 1
# MiB counts become sector counts (x 2048) in 64-bit integers.
_MAX_MIB = ((1 << 63) - 1) >> 20
# Strings written as file contents, where any character may stand.
_CONTENTS = {("Unit", "contents"), ("Dropin", "contents"), ("PasswdUser", "sshAuthorizedKeys")}


def check_safety(config: Config, problems: Problems) -> None:
    """Add the errors (and a warning) of the rules above to `problems`, each at its path;
    none where a rule of upstream already reports an error at the same path."""
    reported = {e.path for e in problems.entries if e.severity == "error"}
    found = Problems(problems.version)
    if config.storage is not None:
        _check_node_paths(config.storage, ("storage",), found)
    _check_integers(config, found)
    _check_argument_names(config, found)
    for path in _strings_with_nul(config, ()):
        found.error(path, NUL_IN_STRING)
    problems.entries.extend(e for e in found.entries if e.path not in reported)


def _check_node_paths(storage: Storage, path: JsonPath, problems: Problems) -> None:
    mounts: dict[str, int] = {}
    for i, fs in enumerate(storage.filesystems):
        if fs.path and fs.format in _MOUNTED_FORMATS:
            mounts.setdefault(fs.path, i)
    for key, i, node in all_nodes(storage):
        here = (*path, key, i, "path")
        overwrite = node.overwrite is True
        if node.path == "/":
            if isinstance(node, File):
                problems.error(here, ROOT_FILE)
            elif isinstance(node, Link):
                problems.error(here, ROOT_LINK)
            elif overwrite:
                problems.error(here, ROOT_DIRECTORY_OVERWRITE)
            else:
                problems.warning(here, ROOT_DIRECTORY)
        elif node.path in mounts:
            index = mounts[node.path]
            if not isinstance(node, Directory):
                kind = "file" if isinstance(node, File) else "link"
                problems.error(here, MOUNT_POINT_NODE.format(index=index, kind=kind))
            elif overwrite:
                problems.error(here, MOUNT_POINT_OVERWRITE.format(index=index))


def _check_integers(config: Config, problems: Problems) -> None:
    def check(value: int | None, path: JsonPath, low: int, high: int, message: str) -> None:
        if value is not None and not low <= value <= high:
            problems.error(path, message)

    if config.passwd is not None:
        for i, user in enumerate(config.passwd.users):
            check(user.uid, ("passwd", "users", i, "uid"), 0, _MAX_ID, ID_RANGE)
        for i, group in enumerate(config.passwd.groups):
            check(group.gid, ("passwd", "groups", i, "gid"), 0, _MAX_ID, ID_RANGE)
    storage = config.storage
    if storage is None:
        return
    for key, i, node in all_nodes(storage):
        for owner_key, owner in (("user", node.user), ("group", node.group)):
            if owner is not None:
                check(owner.id, ("storage", key, i, owner_key, "id"), 0, _MAX_ID, ID_RANGE)
    for i, disk in enumerate(storage.disks):
        for j, part in enumerate(disk.partitions):
            here: JsonPath = ("storage", "disks", i, "partitions", j)
            check(part.number, (*here, "number"), 0, _MAX_INT, NEGATIVE)
            for mib_key, mib in (("startMiB", part.start_mib), ("sizeMiB", part.size_mib)):
                check(mib, (*here, mib_key), 0, _MAX_INT, NEGATIVE)
                check(mib, (*here, mib_key), -_MAX_INT, _MAX_MIB, MIB_RANGE)
    for i, raid in enumerate(storage.raid):
        check(raid.spares, ("storage", "raid", i, "spares"), 0, _MAX_INT, NEGATIVE)
    for i, luks in enumerate(storage.luks):
        threshold = luks.clevis.threshold if luks.clevis is not None else None
        check(threshold, ("storage", "luks", i, "clevis", "threshold"), 0, _MAX_INT, NEGATIVE)


def _check_argument_names(config: Config, problems: Problems) -> None:
    named: list[tuple[JsonPath, str | None, str]] = []
    if config.passwd is not None:
        named += [(("passwd", "users", i, "name"), u.name, "useradd")
                  for i, u in enumerate(config.passwd.users)]  # fmt: skip
        named += [(("passwd", "groups", i, "name"), g.name, "groupadd")
                  for i, g in enumerate(config.passwd.groups)]  # fmt: skip
    if config.systemd is not None:
        named += [(("systemd", "units", i, "name"), u.name, "systemctl")
                  for i, u in enumerate(config.systemd.units)]  # fmt: skip
    storage = config.storage
    if storage is not None:
        named += [(("storage", "luks", i, "name"), v.name, "cryptsetup")
                  for i, v in enumerate(storage.luks)]  # fmt: skip
        named += [(("storage", "raid", i, "name"), r.name, "mdadm")
                  for i, r in enumerate(storage.raid)]  # fmt: skip
    for path, name, tool in named:
        if name is None:
            continue
        if name.startswith("-"):
            problems.error(path, OPTION_LIKE_NAME.format(tool=tool))
        elif name in (".", "..") and tool in ("cryptsetup", "mdadm"):
            where = "mapper" if tool == "cryptsetup" else "md"
            problems.error(path, DOT_DEVICE_NAME.format(name=name, where=where))


def _strings_with_nul(obj: Any, path: JsonPath) -> list[JsonPath]:
    """The path of every string field of the model holding a NUL, contents aside."""
    found: list[JsonPath] = []
    _collect_nul(obj, path, found)
    return found


def _collect_nul(obj: Any, path: JsonPath, found: list[JsonPath]) -> None:
    cls: type = type(obj)
    for spec in field_specs(cls):
        value = getattr(obj, spec.attr)
        if value is None or (cls.__name__, spec.key) in _CONTENTS:
            continue
        if spec.kind is Kind.STRING:
            if "\x00" in value:
                found.append((*path, spec.key))
        elif spec.kind is Kind.OBJECT:
            _collect_nul(value, (*path, spec.key), found)
        elif spec.item_kind is Kind.OBJECT:
            for i, item in enumerate(value):
                _collect_nul(item, (*path, spec.key, i), found)
        elif spec.item_kind is Kind.STRING:
            for i, item in enumerate(value):
                if "\x00" in item:
                    found.append((*path, spec.key, i))
