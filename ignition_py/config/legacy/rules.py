"""Spec 2.x validation rules (flatcar/ignition v0.36.2 config/v2_*/types Validate*), each
problem at the JSON path of the declared config; run on decode_tree's output."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from ...typecheck import TYPE_CHECKING
from ..report import Entry, JsonPath, Severity
from ..semantics.systemd import unit_contents_problem
from ..semantics.urls import data_url_problem, parse_problem

if TYPE_CHECKING:
    from typing import Any

_GUID = re.compile(
    r"^(|[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})$"
)
_FORMATS = ("ext4", "btrfs", "xfs", "swap", "vfat")  # 2.0: the first three
_LABEL_LIMITS = {"ext4": 16, "btrfs": 256, "xfs": 12, "swap": 15, "vfat": 11}
_UNIT_EXTS: tuple[str, ...] = (
    ".service",
    ".socket",
    ".device",
    ".mount",
    ".automount",
    ".swap",
    ".target",
)
_UNIT_EXTS += (".path", ".timer", ".snapshot", ".slice", ".scope")
_RAID_LEVELS = ("raid1", "1", "mirror", "raid4", "4", "raid5", "5", "raid6", "6", "raid10", "10")
_STRIPED = ("linear", "raid0", "0", "stripe")
_USER_FIELDS: tuple[str, ...] = (
    "gecos",
    "groups",
    "homeDir",
    "noCreateHome",
    "noLogInit",
    "noUserGroup",
)
_USER_FIELDS += ("primaryGroup", "shell", "system", "uid")


class _Found:
    __slots__ = ("entries",)

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    def error(self, path: JsonPath, message: str) -> None:
        self.entries.append(Entry(Severity.ERROR, message, path))

    def warning(self, path: JsonPath, message: str) -> None:
        self.entries.append(Entry(Severity.WARNING, message, path))


def check_rules(config: dict[str, Any], minor: int) -> list[Entry]:
    """Every problem spec 2.`minor`'s validation finds in `config` (decoded), in config order."""
    found = _Found()
    ignition = config.get("ignition", {})
    refs = ignition.get("config", {})
    for i, ref in enumerate(refs.get("append", [])):
        _reference(ref, minor, ("ignition", "config", "append", i), found)
    if "replace" in refs:
        _reference(refs["replace"], minor, ("ignition", "config", "replace"), found)
    cas = ignition.get("security", {}).get("tls", {}).get("certificateAuthorities", [])
    for i, ca in enumerate(cas):
        _reference(ca, minor, ("ignition", "security", "tls", "certificateAuthorities", i), found)
    storage = config.get("storage", {})
    _storage(storage, minor, found)
    for i, unit in enumerate(config.get("systemd", {}).get("units", [])):
        _unit(unit, ("systemd", "units", i), found)
    for i, unit in enumerate(config.get("networkd", {}).get("units", [])):
        _networkd_unit(unit, ("networkd", "units", i), found)
    for i, user in enumerate(config.get("passwd", {}).get("users", [])):
        _user(user, ("passwd", "users", i), found)
    _filesystem_references(storage, found)
    return found.entries


def url_problem(url: str, minor: int) -> str | None:
    """2.x's validateURL: http, https, oem and data URLs, from 2.1 on tftp and s3 too; ""
    is no URL."""
    if url == "":
        return None
    scheme, problem = parse_problem(url)
    if problem is not None:
        return problem
    if scheme in ("http", "https", "oem") or (scheme == "tftp" and minor >= 1):
        return None
    if scheme == "s3" and minor >= 1:
        query = url.partition("?")[2].partition("#")[0]
        values = parse_qs(query, keep_blank_values=True).get("versionId")
        return "invalid S3 object VersionId" if values is not None and values[0] == "" else None
    if scheme == "data":
        return data_url_problem(url)
    return "invalid url scheme"


def _reference(ref: dict[str, Any], minor: int, path: JsonPath, found: _Found) -> None:
    source = ref.get("source", "")
    problem = url_problem(source, minor)
    if problem is not None:
        found.error((*path, "source"), problem)
    _headers(ref, source, path, found)
    _verification(ref.get("verification", {}), (*path, "verification"), found)


def _headers(owner: dict[str, Any], source: str, path: JsonPath, found: _Found) -> None:
    headers = owner.get("httpHeaders", [])
    if not headers:
        return
    seen: set[str] = set()
    for i, header in enumerate(headers):
        name = header.get("name", "")
        if name == "":
            found.error((*path, "httpHeaders", i), "HTTP header name can't be empty")
        elif name in seen:
            found.error((*path, "httpHeaders", i), f'Found duplicate HTTP header: "{name}"')
        seen.add(name)
    scheme, problem = parse_problem(source)
    if problem is not None:
        found.error((*path, "httpHeaders"), "unable to parse url")
    elif scheme not in ("http", "https"):
        found.error((*path, "httpHeaders"), "cannot use HTTP headers with this source scheme")


def _verification(verification: dict[str, Any], path: JsonPath, found: _Found) -> None:
    if "hash" not in verification:
        return
    function, dash, digest = verification["hash"].partition("-")
    if not dash:
        found.error((*path, "hash"), "malformed hash specifier")
    elif function != "sha512":
        found.error((*path, "hash"), "unrecognized hash function")
    elif len(digest) != 128:
        found.error((*path, "hash"), "incorrect size for hash sum")


def _path_problem(path: str) -> str | None:
    return None if path.startswith("/") else "path not absolute"


def _storage(storage: dict[str, Any], minor: int, found: _Found) -> None:
    for i, disk in enumerate(storage.get("disks", [])):
        _disk(disk, ("storage", "disks", i), found)
    for i, raid in enumerate(storage.get("raid", [])):
        _raid(raid, ("storage", "raid", i), found)
    for i, fs in enumerate(storage.get("filesystems", [])):
        _filesystem(fs, minor, ("storage", "filesystems", i), found)
    for kind in ("files", "directories", "links"):
        for i, node in enumerate(storage.get(kind, [])):
            _node(node, kind, minor, ("storage", kind, i), found)


def _disk(disk: dict[str, Any], path: JsonPath, found: _Found) -> None:
    device = disk.get("device", "")
    if device == "":
        found.error((*path, "device"), "disk device is required")
    elif _path_problem(device):
        found.error((*path, "device"), "path not absolute")
    partitions = disk.get("partitions", [])
    for message in _partition_set_problems(partitions):
        found.error((*path, "partitions"), message)
    for i, part in enumerate(partitions):
        _partition(part, (*path, "partitions", i), found)


def _partition_set_problems(parts: list[dict[str, Any]]) -> list[str]:
    problems = []
    numbers = [p.get("number", 0) for p in parts if p.get("number", 0) != 0]
    if len(numbers) != len(set(numbers)):
        problems.append("partition numbers collide")
    if _overlap(parts):
        problems.append("partitions overlap")
    if any(p.get("start", 0) & 2047 for p in parts):
        problems.append("partitions misaligned")
    has_zero = any(p.get("number", 0) == 0 for p in parts)
    if has_zero and any(p.get("shouldExist") is False for p in parts):
        problems.append(
            "shouldExist is false for a partition and other partition(s) has start or size 0"
        )
    sectors = any("size" in p or "start" in p for p in parts)
    if sectors and any("sizeMiB" in p or "startMiB" in p for p in parts):
        problems.append("cannot mix MBs and sectors within a disk")
    return problems


def _overlap(parts: list[dict[str, Any]]) -> bool:
    spans = []
    for p in parts:
        if "start" in p and "size" in p and p["start"] != 0:
            end = p["start"] if p["size"] == 0 else p["start"] + p["size"] - 1
            spans.append((p["start"], end, id(p)))
    for start, end, me in spans:
        for o_start, o_end, other in spans:
            if me == other:
                continue
            if o_start <= start <= o_end or o_start <= end <= o_end:
                return True
            if start < o_start and end > o_end:
                return True
    return False


def _partition(part: dict[str, Any], path: JsonPath, found: _Found) -> None:
    if ("start" in part or "size" in part) and ("startMiB" in part or "sizeMiB" in part):
        found.error(path, "cannot mix MBs and sectors within a disk")
    if part.get("shouldExist") is False and (
        any(part.get(k) for k in ("label", "typeGuid", "guid"))
        or any(k in part for k in ("start", "size"))
    ):
        found.error(path, "shouldExist specified false with other options also specified")
    label = part.get("label")
    if label is not None:
        if len(label) > 36:
            found.error((*path, "label"), "partition labels may not exceed 36 characters")
        if ":" in label:
            found.warning(
                (*path, "label"), "partition label will be truncated to text before the colon"
            )
    for key in ("typeGuid", "guid"):
        if not _GUID.match(part.get(key, "")):
            found.error(
                (*path, key), 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"'
            )


def _raid(raid: dict[str, Any], path: JsonPath, found: _Found) -> None:
    level = raid.get("level", "")
    if level in _STRIPED:
        if raid.get("spares", 0) != 0:
            found.error(
                (*path, "level"), "spares unsupported for arrays with a level greater than 0"
            )
    elif level not in _RAID_LEVELS:
        found.error((*path, "level"), "unrecognized raid level")
    if any(_path_problem(d) for d in raid.get("devices", [])):
        found.error((*path, "devices"), "path not absolute")


def _filesystem(fs: dict[str, Any], minor: int, path: JsonPath, found: _Found) -> None:
    mount = fs.get("mount")
    if mount is None and "path" not in fs:
        found.error(path, "filesystem is missing mount or path")
    if "path" in fs and _path_problem(fs["path"]):
        found.error((*path, "path"), f'filesystem "{fs.get("name", "")}": path not absolute')
    if mount is None:
        return
    if "path" in fs:
        found.error(path, "filesystem has both mount and path defined")
    if "create" in mount:
        if mount.get("wipeFilesystem"):
            found.error(path, "cannot use both create object and wipeFilesystem field")
        if mount.get("options"):
            found.error(path, "cannot use both create object and mount-level options field")
        found.warning(path, "the create object has been deprecated in favor of mount-level options")
    fs_format = mount.get("format", "")
    if fs_format not in _FORMATS[: 3 if minor == 0 else 5]:
        found.error((*path, "mount", "format"), "invalid filesystem format")
    if _path_problem(mount.get("device", "")):
        found.error((*path, "mount", "device"), "path not absolute")
    label = mount.get("label")
    limit = _LABEL_LIMITS.get(fs_format)
    if label is not None and limit is not None and len(label) > limit:
        found.error(
            (*path, "mount", "label"),
            f"filesystem labels cannot be longer than {limit} characters when using {fs_format}",
        )


def _node(node: dict[str, Any], kind: str, minor: int, path: JsonPath, found: _Found) -> None:
    if node.get("filesystem", "") == "":
        found.error((*path, "filesystem"), "no filesystem specified")
    if _path_problem(node.get("path", "")):
        found.error((*path, "path"), "path not absolute")
    for owner in ("user", "group"):
        if "id" in node.get(owner, {}) and node[owner].get("name", ""):
            found.error((*path, owner), "cannot set both id and name")
    if kind != "links":
        mode = node.get("mode")
        if mode is not None and not 0 <= mode <= 0o7777:
            found.error((*path, "mode"), "illegal file mode")
        if kind == "files" and mode is None and minor >= 2:
            found.warning((*path, "mode"), "permissions unset, defaulting to 0000")
    if kind != "files":
        return
    if node.get("overwrite") is True and node.get("append"):
        found.error(path, "cannot set both append and overwrite to true")
    contents = node.get("contents", {})
    cpath = (*path, "contents")
    if contents.get("compression", "") not in ("", "gzip"):
        found.error((*cpath, "compression"), "invalid compression method")
    source = contents.get("source", "")
    problem = url_problem(source, minor)
    if problem is not None:
        # v0.36.2 quotes the URL here; a data URL can hold a secret, so we do not.
        found.error((*cpath, "source"), problem)
    _headers(contents, source, cpath, found)
    _verification(contents.get("verification", {}), (*cpath, "verification"), found)


def _unit_content(contents: str, path: JsonPath, found: _Found) -> set[str] | None:
    sections, problem = unit_contents_problem(contents)
    if problem is not None:
        found.error(path, problem)
        return None
    return sections


def _unit(unit: dict[str, Any], path: JsonPath, found: _Found) -> None:
    name = unit.get("name", "")
    contents = unit.get("contents", "")
    sections = _unit_content(contents, (*path, "contents"), found)
    enabled = unit.get("enable") or unit.get("enabled") is True
    if enabled and contents and sections is not None and "Install" not in sections:
        found.warning(
            (*path, "contents"),
            f'unit "{name}" is enabled, but has no install section so enable does nothing',
        )
    if _extension(name) not in _UNIT_EXTS:
        found.error((*path, "name"), "invalid systemd unit extension")
    for i, dropin in enumerate(unit.get("dropins", [])):
        _dropin(dropin, (*path, "dropins", i), "invalid systemd drop-in extension", found)


def _networkd_unit(unit: dict[str, Any], path: JsonPath, found: _Found) -> None:
    _unit_content(unit.get("contents", ""), path, found)
    if _extension(unit.get("name", "")) not in (".link", ".netdev", ".network"):
        found.error(path, "invalid networkd unit extension")
    for i, dropin in enumerate(unit.get("dropins", [])):
        _dropin(dropin, (*path, "dropins", i), "invalid networkd drop-in extension", found)


def _dropin(dropin: dict[str, Any], path: JsonPath, bad_ext: str, found: _Found) -> None:
    _unit_content(dropin.get("contents", ""), path, found)
    if _extension(dropin.get("name", "")) != ".conf":
        found.error(path, bad_ext)


def _extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:] if dot >= 0 else ""


def _user(user: dict[str, Any], path: JsonPath, found: _Found) -> None:
    if "create" not in user:
        return
    found.warning(
        (*path, "create"), "the create object has been deprecated in favor of user-level options"
    )
    for key in _USER_FIELDS:
        if user.get(key) or (key == "uid" and "uid" in user):
            found.error(path, f"cannot use both the create object and the user-level {key} field")


def _filesystem_references(storage: dict[str, Any], found: _Found) -> None:
    names = {"root"}
    for i, fs in enumerate(storage.get("filesystems", [])):
        name = fs.get("name", "")
        if name in names:
            found.warning(
                ("storage", "filesystems", i),
                f'Filesystem "{name}" shadows exising filesystem definition',
            )
        names.add(name)
    for kind, word in (("files", "File"), ("links", "Link"), ("directories", "Directory")):
        for i, node in enumerate(storage.get(kind, [])):
            fs = node.get("filesystem", "")
            if fs and fs not in names:
                found.warning(
                    ("storage", kind, i, "filesystem"),
                    f'{word} "{node.get("path", "")}" references nonexistent filesystem "{fs}". '
                    "(This is ok if it is defined in a referenced config)",
                )
