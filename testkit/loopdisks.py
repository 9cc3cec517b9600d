"""Loop devices for the tests and the disks benchmark: disks set up as a case says
(`loop_disks`: also the one helper for a single ext4 image on a loop device), a stage of
ours or of an upstream Go build run on them (stagerun), and the result read back with
`sfdisk -J` and `blkid`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .agents import OURS
from .fake_systemd import behind_fake_manager
from .stagerun import Outcome, run_stages


def sh(*argv: str, check: bool = True, stdin: str | None = None) -> str:
    done = subprocess.run(list(argv), capture_output=True, text=True, input=stdin, timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv} failed ({done.returncode}): {done.stderr}")
    return done.stdout


def unavailable_reason() -> str | None:
    if os.geteuid() != 0:
        return "loop-device tests need root"
    for tool in ("losetup", "partx", "sgdisk", "sfdisk", "blkid", "wipefs", "mkfs.ext4"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not Path("/dev/loop-control").exists():
        return "no /dev/loop-control: loop devices unavailable"
    return None


@dataclass(frozen=True)
class Before:
    """A disk as a case starts from: size, sgdisk arguments, then filesystems and files
    (keyed by partition number, 0 = the whole disk)."""

    size_mib: int = 64
    sgdisk: tuple[str, ...] = ()
    mkfs: tuple[tuple[int, str, str], ...] = ()  # (partition, format, label)
    files: tuple[tuple[int, str, str | bytes], ...] = ()  # (partition, path, contents)


@dataclass
class LoopDisk:
    image: Path
    device: str

    def node(self, number: int) -> str:
        return self.device if number == 0 else f"{self.device}p{number}"


@contextmanager
def attached(backing: Path | str) -> Iterator[str]:
    """A loop device (/dev/loopN) whose backing store is `backing` (an image or a block
    device); at exit what is mounted from it is unmounted and it is detached."""
    device = sh("losetup", "-f", "--show", str(backing)).strip()
    try:
        yield device
    finally:
        for mount_point in mounted_under(device):
            sh("umount", mount_point, check=False)
        sh("partx", "-d", device, check=False)
        sh("losetup", "-d", device, check=False)


@contextmanager
def loop_disks(befores: tuple[Before, ...], workdir: Path) -> Iterator[list[LoopDisk]]:
    """One loop device per `Before`, on sparse images `workdir`/disk<N>.img, prepared as it
    says (attached)."""
    disks: list[LoopDisk] = []
    with ExitStack() as stack:
        for index, before in enumerate(befores):
            image = workdir / f"disk{index}.img"
            with open(image, "wb") as handle:
                handle.truncate(before.size_mib * 1024 * 1024)
            disks.append(LoopDisk(image, stack.enter_context(attached(image))))
            prepare(disks[-1], before)
        yield disks


def prepare(disk: LoopDisk, before: Before) -> None:
    if before.sgdisk:
        sh("sgdisk", *before.sgdisk, disk.device)
        sh("partx", "-d", disk.device, check=False)
        sh("partx", "-a", disk.device)
    for number, fs_format, label in before.mkfs:
        sh(*mkfs_command(fs_format, label), disk.node(number))
    for number, path, contents in before.files:
        with mounted(disk.node(number)) as root:
            written = root / path.lstrip("/")
            written.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(contents, bytes):
                written.write_bytes(contents)
            else:
                written.write_text(contents)


def mkfs_command(fs_format: str, label: str) -> list[str]:
    return {
        "ext4": ["mkfs.ext4", "-q", "-F", "-L", label],
        "xfs": ["mkfs.xfs", "-q", "-f", "-L", label],
        "btrfs": ["mkfs.btrfs", "-q", "-f", "-L", label],
        "vfat": ["mkfs.vfat", "-n", label],
        "swap": ["mkswap", "-f", "-L", label],
    }[fs_format]


@contextmanager
def mounted(device: str, readonly: bool = False) -> Iterator[Path]:
    target = Path(tempfile.mkdtemp(prefix="ign-disks-mnt-"))
    sh("mount", *(["-o", "ro"] if readonly else []), device, str(target))
    try:
        yield target
    finally:
        sh("umount", str(target))
        target.rmdir()


def mounted_under(device: str) -> list[str]:
    found = []
    for line in Path("/proc/self/mounts").read_text().splitlines():
        source, target = line.split()[:2]
        if source == device or source.startswith(f"{device}p"):
            found.append(target)
    return sorted(found, reverse=True)


def substitute(tree: Any, disks: list[LoopDisk]) -> Any:
    """Replace $DISK0, $DISK1p2 ... in every string of a config tree."""
    if isinstance(tree, dict):
        return {key: substitute(value, disks) for key, value in tree.items()}
    if isinstance(tree, list):
        return [substitute(value, disks) for value in tree]
    if isinstance(tree, str):
        for index in reversed(range(len(disks))):
            tree = tree.replace(f"$DISK{index}", disks[index].device)
    return tree


@dataclass
class Runner:
    """Runs stages of one agent against one config, with its own root and state in
    ``workdir``. Go waits for devices through systemd's private bus: it runs behind a fake
    one (fake_systemd.behind_fake_manager)."""

    workdir: Path
    agent: Path = OURS
    env: dict[str, str] = field(default_factory=dict)

    def stage(self, stage: str, tree: dict[str, Any], root: Path) -> Outcome:
        """``stage`` with ``tree`` as the cached config (stagerun.write_cache)."""

        def run(prefix: Sequence[str] = ()) -> Outcome:
            return run_stages(
                self.agent, self.workdir, [stage], root=root, cached_config=tree,
                env=self.env, prefix=prefix,
            )  # fmt: skip

        if self.agent == OURS:
            return run()
        with behind_fake_manager(self.workdir) as prefix:
            return run(prefix)


def partition_table(disk: LoopDisk) -> dict[str, Any] | None:
    done = subprocess.run(["sfdisk", "-J", disk.device], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    table: dict[str, Any] = json.loads(done.stdout)["partitiontable"]
    return table


def partitions(disk: LoopDisk) -> dict[int, dict[str, Any]]:
    """Partition number -> sfdisk's fields (start, size, type, uuid, name)."""
    table = partition_table(disk) or {"partitions": []}
    found = {}
    for entry in table.get("partitions", []):
        number = int(entry["node"].rsplit("p", 1)[1])
        found[number] = {key: value for key, value in entry.items() if key != "node"}
    return found


def probe(device: str) -> dict[str, str]:
    done = subprocess.run(["blkid", "-p", "-o", "export", device], capture_output=True, text=True)
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


def fingerprint(disk: LoopDisk) -> str:
    """A digest of the whole image, to show a disk was not touched."""
    return sh("sha256sum", str(disk.image)).split()[0]
