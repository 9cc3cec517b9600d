"""What the config asked for, checked on the VM's disks from the host after it powered off.

Every expectation comes from the rendered config itself: partitions and filesystems on
the data disks, files/directories/links with their modes, owners and contents, users,
groups and keys, units written, masked, enabled and actually run.

Expected file contents come from the project's own resource reading
(`ignition_py.resources.contents.read_contents`: data URLs, base64, percent-escapes, gzip,
hash verification), with the appends after them, as the files stage composes a file:
what is compared is what the file should hold after decompression."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ignition_py.config.model import Config, File, Filesystem, Resource
from ignition_py.errors import IgnitionError
from ignition_py.files.root_paths import read_in_root
from ignition_py.kargs_plan import kargs_command
from ignition_py.log_records import FETCHED_CONFIG_ID, SSH_KEYS_WRITTEN_ID
from ignition_py.resources.contents import read_contents
from ignition_py.resources.urls import scheme_of

from .images import mounted_read_only, partition_table, signature
from .rootfs import DONE_MARKER
from .selinux import expected_type, has_policy, label_type

MIB = 1024 * 1024


@dataclass(frozen=True)
class Check:
    what: str
    ok: bool
    detail: str = ""

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.what}" + (
            f": {self.detail}" if self.detail else ""
        )


class UncheckableError(Exception):
    """Contents the host cannot reproduce on its own (fetched by the VM over the network)."""


def _resource_bytes(resource: Resource, oem_tree: Path | None) -> bytes:
    scheme = scheme_of(resource.source or "")
    if scheme == "oem" and oem_tree is not None:
        # the OEM disk's files, from the host's copy (the harness made the disk from it),
        # decoded as the agent does: as the data: URL of the same bytes
        import base64

        from ignition_py.frozen import replace
        from ignition_py.resources.oem import oem_file

        raw = oem_file(resource.source or "", oem_tree).read_bytes()
        source = "data:;base64," + base64.b64encode(raw).decode()
        return read_contents(replace(resource, source=source), None).read()
    if resource.source and scheme != "data":
        raise UncheckableError(f"{scheme}: contents fetched by the VM")
    return read_contents(resource, None).read()


def expected_contents(
    file: File, original: bytes | None, oem_tree: Path | None = None
) -> bytes | None:
    """What ``file`` must hold after the files stage: its contents (with none, what the
    target held before, ``original``: b"" for nothing, None when unknown), then every
    append, each decoded, decompressed and verified. None when the host cannot know.

    Raises IgnitionError when one of the config's resources cannot be decoded or verified."""
    try:
        if file.contents is not None and file.contents.source is not None:
            head = _resource_bytes(file.contents, oem_tree)
        elif file.overwrite:
            head = b""  # what was there goes; the appends make the file
        elif original is None:
            return None
        else:
            head = original
        return head + b"".join(_resource_bytes(item, oem_tree) for item in file.append)
    except UncheckableError:
        return None


class Disks:
    """Device names of the config -> (image, byte offset) of the VM's virtio disks."""

    def __init__(self, images: list[Path]) -> None:
        self.images = images
        self.tables = {image: partition_table(image) for image in images}

    def disk_image(self, device: str) -> Path | None:
        match = re.fullmatch(r"/dev/vd([a-z])", device)
        if match:
            index = ord(match.group(1)) - ord("a")
            return self.images[index] if index < len(self.images) else None
        return None

    def locate(self, device: str) -> tuple[Path, int, int | None] | None:
        """(image, byte offset, byte size or None for the rest) of a device on the disks."""
        match = re.fullmatch(r"/dev/vd([a-z])(\d*)", device)
        if match:
            image = self.disk_image(f"/dev/vd{match.group(1)}")
            if image is None:
                return None
            if not match.group(2):
                return image, 0, None
            return self._partition(image, lambda p: p.get("number") == int(match.group(2)))
        if device.startswith("/dev/disk/by-partlabel/"):
            name = device.rsplit("/", 1)[1]
            for image in self.images:
                found = self._partition(image, lambda p: p.get("name") == name)
                if found:
                    return found
        if device.startswith("/dev/disk/by-label/"):
            label = device.rsplit("/", 1)[1]
            for image in self.images:
                for partition in self.tables[image] or [{"offset": 0}]:
                    offset = int(str(partition["offset"]))
                    if signature(image, offset).get("LABEL") == label:
                        size = partition.get("bytes")
                        return image, offset, int(str(size)) if size is not None else None
        return None

    def _partition(self, image: Path, wanted: object) -> tuple[Path, int, int | None] | None:
        assert callable(wanted)
        for partition in self.tables[image]:
            if wanted(partition):
                return image, int(str(partition["offset"])), int(str(partition["bytes"]))
        return None


def _passwd(root: Path, name: str) -> dict[str, list[str]]:
    entries = {}
    path = root / "etc" / name
    if path.exists():
        for line in path.read_text().splitlines():
            fields = line.split(":")
            entries[fields[0]] = fields
    return entries


def check_storage_devices(config: Config, disks: Disks) -> Iterator[Check]:
    storage = config.storage
    if storage is None:
        return
    for disk in storage.disks:
        image = disks.disk_image(disk.device)
        if image is None:
            yield Check(f"disk {disk.device}", False, "not one of the VM's disks")
            continue
        table = disks.tables[image]
        for partition in disk.partitions:
            if partition.should_exist is False:
                continue
            found = [p for p in table if (partition.label and p.get("name") == partition.label)
                     or (partition.number and p.get("number") == partition.number)]  # fmt: skip
            what = f"partition {partition.label or partition.number} on {disk.device}"
            if not found:
                yield Check(what, False, f"not in the table {[p.get('name') for p in table]}")
                continue
            problems = []
            if partition.size_mib and int(str(found[0]["bytes"])) != partition.size_mib * MIB:
                problems.append(f"size {found[0]['bytes']} bytes, not {partition.size_mib} MiB")
            if (
                partition.type_guid
                and str(found[0].get("type", "")).lower() != partition.type_guid.lower()
            ):
                problems.append(f"type {found[0].get('type')}")
            yield Check(what, not problems, "; ".join(problems))
    for filesystem in storage.filesystems:
        yield _check_filesystem(filesystem, disks)


def _check_filesystem(filesystem: Filesystem, disks: Disks) -> Check:
    what = f"filesystem {filesystem.format} on {filesystem.device}"
    where = disks.locate(filesystem.device)
    if where is None:
        return Check(what, False, "device not found on the VM's disks")
    found = signature(where[0], where[1])
    problems = []
    if filesystem.format not in (None, "none") and found.get("TYPE") != filesystem.format:
        problems.append(f"type {found.get('TYPE')!r}")
    if filesystem.label and found.get("LABEL") != filesystem.label:
        problems.append(f"label {found.get('LABEL')!r}")
    if filesystem.uuid and found.get("UUID", "").lower() != filesystem.uuid.lower():
        problems.append(f"uuid {found.get('UUID')!r}")
    return Check(what, not problems, "; ".join(problems))


class Trees:
    """The target image's root and the filesystems mounted under it, mounted read-only."""

    def __init__(
        self,
        stack: ExitStack,
        config: Config,
        disks: Disks,
        pristine_image: Path | None = None,
        oem_tree: Path | None = None,
    ) -> None:
        self.oem_tree = oem_tree  # the host's copy of the OEM disk's files, for oem:// sources
        self.mounts: dict[str, Path] = {
            "/": stack.enter_context(mounted_read_only(disks.images[0]))
        }
        # the root as it was before the boot: what an append without contents appends to
        self.pristine = (
            stack.enter_context(mounted_read_only(pristine_image)) if pristine_image else None
        )
        storage = config.storage
        for filesystem in storage.filesystems if storage else ():
            if filesystem.path and filesystem.format not in ("swap", "none", "vfat"):
                where = disks.locate(filesystem.device)
                if where:
                    self.mounts[filesystem.path] = stack.enter_context(mounted_read_only(*where))

    @property
    def root(self) -> Path:
        return self.mounts["/"]

    def original(self, path: str) -> bytes | None:
        """The bytes at ``path`` before the boot, b"" where nothing was; None when unknown
        (no pristine root, not a readable file, or on a filesystem the config creates)."""
        if self.pristine is None or self.mount_of(path) != "/":
            return None
        try:
            before = read_in_root(self.pristine, path)  # links followed inside the image only
        except OSError:
            return None
        return b"" if before is None else before

    def mount_of(self, path: str) -> str:
        return max(
            (m for m in self.mounts if path == m or path.startswith(m.rstrip("/") + "/")), key=len
        )

    def host_path(self, path: str) -> Path:
        prefix = self.mount_of(path)
        return self.mounts[prefix] / path[len(prefix) :].lstrip("/")


def _owner_ids(root: Path, user: object, group: object) -> tuple[int, int]:
    passwd, groups = _passwd(root, "passwd"), _passwd(root, "group")
    uid = getattr(user, "id", None)
    if uid is None and getattr(user, "name", None):
        uid = int(passwd[user.name][2]) if user.name in passwd else -1  # type: ignore[attr-defined]
    gid = getattr(group, "id", None)
    if gid is None and getattr(group, "name", None):
        gid = int(groups[group.name][2]) if group.name in groups else -1  # type: ignore[attr-defined]
    return (uid or 0), (gid or 0)


def _contents_problems(
    file: File, where: Path, original: bytes | None, oem_tree: Path | None
) -> list[str]:
    try:
        expected = expected_contents(file, original, oem_tree)
    except IgnitionError as err:
        return [f"the config's contents cannot be read: {err}"]
    if expected is None:
        return []
    found = where.read_bytes()
    if found == expected:
        return []
    return [f"contents differ ({len(found)} bytes, expected {len(expected)})"]


def check_tree(config: Config, trees: Trees, fork_server: bool = False) -> Iterator[Check]:
    storage = config.storage
    root = trees.root
    for file in storage.files if storage else ():
        where = trees.host_path(file.path)
        info = os.lstat(where) if os.path.lexists(where) else None
        what = f"file {file.path}"
        if info is None or not stat.S_ISREG(info.st_mode):
            yield Check(what, False, "missing or not a regular file")
            continue
        problems = []
        mode = file.mode if file.mode is not None else 0o644
        if stat.S_IMODE(info.st_mode) != mode:
            problems.append(f"mode {stat.S_IMODE(info.st_mode):o}, not {mode:o}")
        if (info.st_uid, info.st_gid) != _owner_ids(root, file.user, file.group):
            problems.append(f"owner {info.st_uid}:{info.st_gid}")
        problems.extend(_contents_problems(file, where, trees.original(file.path), trees.oem_tree))
        yield Check(what, not problems, "; ".join(problems))
    for directory in storage.directories if storage else ():
        where = trees.host_path(directory.path)
        mode = directory.mode if directory.mode is not None else 0o755
        ok = where.is_dir() and stat.S_IMODE(where.stat().st_mode) == mode
        yield Check(f"directory {directory.path}", ok, "" if ok else "missing or wrong mode")
    for link in storage.links if storage else ():
        where = trees.host_path(link.path)
        if link.hard:
            target = trees.host_path(link.target or "")
            ok = where.exists() and target.exists() and where.stat().st_ino == target.stat().st_ino
        else:
            ok = where.is_symlink() and os.readlink(where) == link.target
        yield Check(f"link {link.path}", ok, "" if ok else "missing or pointing elsewhere")
    yield from _check_passwd(config, root)
    yield from _check_units(config, root)
    yield from _check_journal(config, root)
    if fork_server:
        yield _check_fork_server(root, kargs_may_be_served=kargs_command(config) is None)
    if has_policy(root):
        yield from _check_labels(config, trees)


def _check_passwd(config: Config, root: Path) -> Iterator[Check]:
    passwd, groups = _passwd(root, "passwd"), _passwd(root, "group")
    for group in config.passwd.groups if config.passwd else ():
        ok = (group.name in groups) == (group.should_exist is not False)
        yield Check(f"group {group.name}", ok)
    for user in config.passwd.users if config.passwd else ():
        if user.should_exist is False:
            yield Check(f"user {user.name} removed", user.name not in passwd)
            continue
        if user.name not in passwd:
            yield Check(f"user {user.name}", False, "not in /etc/passwd")
            continue
        entry = passwd[user.name]
        problems = []
        if user.uid is not None and int(entry[2]) != user.uid:
            problems.append(f"uid {entry[2]}")
        if user.ssh_authorized_keys:
            keys = root / entry[5].lstrip("/") / ".ssh/authorized_keys.d/ignition"
            if not keys.exists():
                problems.append(f"no {keys.relative_to(root)}")
            else:
                missing = [k for k in user.ssh_authorized_keys if k not in keys.read_text()]
                if missing or stat.S_IMODE(keys.stat().st_mode) != 0o600:
                    problems.append("keys missing or mode not 0600")
        yield Check(f"user {user.name}", not problems, "; ".join(problems))


def _unit_ran(root: Path, name: str) -> bool:
    done = subprocess.run(
        ["journalctl", "-D", str(root / "var/log/journal"), "-o", "cat", f"UNIT={name}"],
        capture_output=True, text=True,
    )  # fmt: skip
    return bool(
        re.search(
            r"^(Finished|Started|Mounted|Listening on|Reached target) ", done.stdout, re.MULTILINE
        )
    )


def _check_units(config: Config, root: Path) -> Iterator[Check]:
    units_dir = root / "etc/systemd/system"
    for unit in config.systemd.units if config.systemd else ():
        path = units_dir / unit.name
        if unit.mask:
            yield Check(
                f"unit {unit.name} masked", path.is_symlink() and os.readlink(path) == "/dev/null"
            )
            continue
        if unit.contents is not None:
            ok = path.exists() and path.read_text() == unit.contents
            yield Check(f"unit {unit.name} written", ok)
        for dropin in unit.dropins:
            dropin_path = units_dir / f"{unit.name}.d" / dropin.name
            yield Check(f"dropin {unit.name}.d/{dropin.name}", dropin_path.exists())
        if unit.enabled:
            # The links point at absolute paths of the target: test the links themselves.
            wanted = [w for w in units_dir.glob("*.wants") if os.path.lexists(w / unit.name)]
            yield Check(f"unit {unit.name} enabled", bool(wanted))
            yield Check(f"unit {unit.name} ran after switch-root", _unit_ran(root, unit.name))


def _journal(root: Path, *matches: str) -> list[dict[str, Any]]:
    done = subprocess.run(
        ["journalctl", "-D", str(root / "var/log/journal"), "-o", "json", *matches],
        capture_output=True, text=True,
    )  # fmt: skip
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def _check_journal(config: Config, root: Path) -> Iterator[Check]:
    """What a distribution's units read from the journal: the agent's lines under
    SYSLOG_IDENTIFIER=ignition with their priorities, and upstream's MESSAGE_ID records."""
    lines = _journal(root, "SYSLOG_IDENTIFIER=ignition")
    priorities = {entry.get("PRIORITY") for entry in lines}
    finished = any("Ignition finished successfully" in str(e.get("MESSAGE")) for e in lines)
    ok = finished and "6" in priorities
    detail = "" if ok else f"{len(lines)} lines, priorities {sorted(map(str, priorities))}"
    yield Check("journal: ignition's lines (identifier ignition, info priority)", ok, detail)
    units = {str(entry.get("_SYSTEMD_UNIT")) for entry in lines}
    stray = sorted(u for u in units if not u.startswith("ignition-") or u.startswith("ignition-py"))
    ok = {"ignition-fetch-offline.service", "ignition-files.service"} <= units and not stray
    yield Check("journal: each stage's lines under its own unit", ok, f"units {sorted(units)}")
    fetched = _journal(root, f"MESSAGE_ID={FETCHED_CONFIG_ID}")
    kinds = {entry.get("IGNITION_CONFIG_TYPE") for entry in fetched}
    yield Check("journal: fetched-config records (MESSAGE_ID)", {"base", "user"} <= kinds,
                f"types {sorted(map(str, kinds))}")  # fmt: skip
    keyed = [
        u.name for u in (config.passwd.users if config.passwd else ()) if u.ssh_authorized_keys
    ]
    if keyed:
        records = _journal(root, f"MESSAGE_ID={SSH_KEYS_WRITTEN_ID}")
        named = {entry.get("IGNITION_USER_NAME") for entry in records}
        ok = set(keyed) <= named and all(e.get("IGNITION_PATH") for e in records)
        yield Check(
            "journal: SSH-keys records (MESSAGE_ID)", ok, f"users {sorted(map(str, named))}"
        )


# Every first boot runs these stages, seconds after the server has loaded; an earlier
# one may start before (it then runs in its own process). kargs (MountFlags=slave) is
# served only when the config names no kernel arguments.
_SERVED_STAGES = {"mount", "files"}


FORK_SERVER_UNIT = "ignition-py-warm-up.service"


def _check_fork_server(root: Path, kargs_may_be_served: bool) -> Check:
    """ignition-py's fork server (FORK_SERVER_UNIT) ran the mount and files stages in
    processes that joined each stage's unit, and kargs, if it served it, in kargs's unit;
    with kernel arguments (unless `kargs_may_be_served`) it did not serve kargs, whose
    unit has a mount namespace of its own. kargs starts early: it may have run before the
    server listened, served or not."""
    lines = _journal(root, f"_SYSTEMD_UNIT={FORK_SERVER_UNIT}")
    served: dict[str, str] = {}  # stage -> control group
    for entry in lines:
        message = str(entry.get("MESSAGE"))
        if "stands in for pid" in message and "(stage " in message:
            stage, _, group = message.partition("(stage ")[2].partition(") in ")
            served[stage] = group
    wanted = _SERVED_STAGES | ({"kargs"} & served.keys())
    ok = served.keys() >= _SERVED_STAGES and (kargs_may_be_served or "kargs" not in served)
    ok = ok and all(served[s] == f"/system.slice/ignition-{s}.service" for s in wanted)
    detail = ", ".join(f"{stage} in {group}" for stage, group in sorted(served.items()))
    return Check("fork server: stages ran in processes forked from it (mount, files at least)",
                 ok, detail)  # fmt: skip


def _check_labels(config: Config, trees: Trees) -> Iterator[Check]:
    """Each file, directory and link the config wrote on the root filesystem carries the
    label the target's file contexts give it."""
    storage = config.storage
    paths: list[str] = []
    if storage is not None:
        paths = [f.path for f in storage.files] + [d.path for d in storage.directories]
        paths += [link.path for link in storage.links]
    paths = [path for path in paths if path and trees.mount_of(path) == "/"]
    for path in paths:
        found = label_type(trees.host_path(path))
        wanted = expected_type(path)
        yield Check(f"SELinux label {path}", found == wanted, f"{found} (wanted {wanted})")


def verify(
    config: Config,
    images: list[Path],
    pristine_image: Path | None = None,
    oem_tree: Path | None = None,
    fork_server: bool = False,
) -> list[Check]:
    """Checks of what ``config`` asked for, on the VM's disk ``images`` (the root first);
    ``pristine_image``: the target image as it was before the boot; ``oem_tree``: the files
    the OEM disk was made of, what oem:// sources read; ``fork_server``: also check that
    ignition-py's fork server ran the stages (our launcher's boots)."""
    disks = Disks(images)
    checks = list(check_storage_devices(config, disks))
    with ExitStack() as stack:
        trees = Trees(stack, config, disks, pristine_image, oem_tree)
        marker = trees.root / DONE_MARKER.lstrip("/")
        checks.insert(
            0, Check("target system booted (marker written after multi-user)", marker.exists())
        )
        checks.extend(check_tree(config, trees, fork_server))
    return checks


IGNORED_USER_DATA = "not an Ignition config: ignoring it"


def verify_user_data_boot(images: list[Path]) -> list[Check]:
    """A boot whose user data is cloud-init's, not an Ignition config: the target booted,
    Ignition finished, and it said (at info priority) that it left the user data alone."""
    with mounted_read_only(images[0]) as root:
        marker = (root / DONE_MARKER.lstrip("/")).exists()
        lines = _journal(root, "SYSLOG_IDENTIFIER=ignition")
    said = [e for e in lines if IGNORED_USER_DATA in str(e.get("MESSAGE"))]
    finished = any("Ignition finished successfully" in str(e.get("MESSAGE")) for e in lines)
    return [
        Check("target system booted (marker written after multi-user)", marker),
        Check("journal: Ignition finished successfully", finished),
        Check(
            "journal: the user data was left to cloud-init (info line)",
            bool(said) and all(e.get("PRIORITY") == "6" for e in said),
            "; ".join(str(e.get("MESSAGE")) for e in said) or "no such line",
        ),
    ]
