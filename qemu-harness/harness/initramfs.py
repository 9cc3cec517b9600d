"""The initramfs, built with Debian's dracut in two halves that the kernel accepts
concatenated: the userspace (systemd, udev and the agent's module) and only the kernel
modules a QEMU guest needs. The same module list for both agents, so that they compare."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from .cache import cache_dir, digest_of
from .kernel import Kernel
from .shell import HarnessError, run, say

REPO = Path(__file__).resolve().parents[2]
OUR_MODULE = REPO / "dracut" / "30ignition"
DRACUT_MODULES_DIR = Path("/usr/lib/dracut/modules.d")
UPSTREAM_MODULE = DRACUT_MODULES_DIR / "30ignition"
COMMON_MODULES = (
    "base systemd systemd-initrd dracut-systemd udev-rules rootfs-block fs-lib shutdown"
)
QEMU_DRIVERS = (
    "virtio_pci virtio_blk virtio_rng virtio_net virtio_scsi qemu_fw_cfg ext4 xfs btrfs vfat "
    "nls_cp437 nls_iso8859-1 nls_utf8 sr_mod cdrom ata_piix iso9660 udf dm_crypt md_mod raid0 raid1"
)
AGENTS = ("ignition-py", "upstream")


def _dracut(kernel: Kernel, output: Path, *args: str) -> None:
    where = output.parent
    conf = where / "empty.conf"
    confdir = where / "empty.conf.d"
    conf.write_text("")
    confdir.mkdir(exist_ok=True)
    run(
        [
            "dracut", "-q", "--force", "--no-hostonly", "--kver", kernel.version,
            "--kmoddir", str(kernel.modules_dir), "--conf", str(conf), "--confdir", str(confdir),
            "--compress", "zstd", *args, str(output),
        ]
    )  # fmt: skip


def _kernel_half(kernel: Kernel) -> Path:
    where = cache_dir("initramfs", "kernel-" + digest_of([], kernel.version, QEMU_DRIVERS))
    image = where / "kernel.img"
    if not image.exists():
        say("building the kernel-module half of the initramfs")
        _dracut(kernel, where / "kernel.img.partial", "--kernel-only", "-m", "base",
                "--drivers", QEMU_DRIVERS)  # fmt: skip
        (where / "kernel.img.partial").rename(image)
    return image


def _install_our_module() -> str:
    target = DRACUT_MODULES_DIR / "30ignition-py"
    if target.is_symlink() or target.exists():
        if target.is_symlink() and target.resolve() == OUR_MODULE:
            return "ignition-py"
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        else:
            target.unlink()
    target.symlink_to(OUR_MODULE)
    return "ignition-py"


def _user_half(kernel: Kernel, agent: str) -> Path:
    if agent == "upstream":
        if not UPSTREAM_MODULE.exists():
            raise HarnessError("Go Ignition's dracut module is missing: apt-get install ignition")
        key = digest_of([UPSTREAM_MODULE], kernel.version, COMMON_MODULES)
        module = "ignition"
    else:
        installed = sorted(p.name for p in Path(sys.prefix).glob("lib/python3*/site-packages/*"))
        sources = [OUR_MODULE, REPO / "ignition_py", REPO / "stages"]
        key = digest_of(sources, kernel.version, COMMON_MODULES, str(installed))
        module = _install_our_module()
    where = cache_dir("initramfs", f"{agent}-{key}")
    image = where / "user.img"
    if not image.exists():
        say(f"building the userspace half of the initramfs with the {agent} agent")
        os.environ["IGNITION_PY_PYTHON"] = sys.executable
        _dracut(
            kernel, where / "user.img.partial", "--no-kernel", "-m", f"{COMMON_MODULES} {module}"
        )
        (where / "user.img.partial").rename(image)
    return image


def build_initramfs(kernel: Kernel, agent: str, output: Path) -> Path:
    """The whole initramfs for `agent` at `output` (a copy of the cached halves)."""
    if agent not in AGENTS:
        raise HarnessError(f"unknown agent {agent!r}: one of {', '.join(AGENTS)}")
    with output.open("wb") as out:
        for half in (_kernel_half(kernel), _user_half(kernel, agent)):
            out.write(half.read_bytes())
    return output
