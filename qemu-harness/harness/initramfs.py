"""The initramfs, in two halves that the kernel accepts concatenated: the userspace
(systemd, udev, the `ignition` module and the harness's distribution module), built the
way a distribution builds it (the project's Debian package installed in a build root whose
own dracut runs with `--add ignition`), and only the kernel modules a QEMU guest needs.

Agents: `ignition-py` (the package as built), `upstream` (the same module with upstream
v2.26.0's Go binary dropped in as $moddir/ignition, for comparison) and `debian` (Debian's
Go Ignition 2.14 with its own module, built by the host's dracut)."""

from __future__ import annotations

import shutil
from pathlib import Path

from testkit.agents import DEBIAN, UPSTREAM

from .buildroot import PACKAGES, dracut_in_build_root
from .cache import cache_dir, digest_of
from .kernel import Kernel
from .package import build_deb
from .shell import HarnessError, run, say

DEBIAN_MODULE = DEBIAN.agent.parent  # Debian's 2.14 module, its binary inside
UPSTREAM_BINARY = UPSTREAM.agent
COMMON_MODULES = (
    "base systemd systemd-initrd dracut-systemd udev-rules rootfs-block fs-lib shutdown"
)
DISTRO_MODULE = "harness-distro"
QEMU_DRIVERS = (
    "virtio_pci virtio_blk virtio_rng virtio_net virtio_scsi qemu_fw_cfg ext4 xfs btrfs vfat "
    "nls_cp437 nls_iso8859-1 nls_utf8 sr_mod cdrom ata_piix iso9660 udf dm_crypt md_mod raid0 raid1"
)
AGENTS = ("ignition-py", "upstream", "debian")


def _host_dracut(kernel: Kernel, output: Path, *args: str) -> None:
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
        _host_dracut(kernel, where / "kernel.img.partial", "--kernel-only", "-m", "base",
                     "--drivers", QEMU_DRIVERS)  # fmt: skip
        (where / "kernel.img.partial").rename(image)
    return image


def _user_half(kernel: Kernel, agent: str, flavour: str) -> Path:
    if agent == "debian":
        if flavour:
            raise HarnessError("Debian's own module has no flavours: use --agent ignition-py")
        if not DEBIAN_MODULE.joinpath("ignition").exists():
            raise HarnessError("Go Ignition's dracut module is missing: apt-get install ignition")
        key = digest_of([DEBIAN_MODULE], kernel.version, COMMON_MODULES)
    else:
        deb = build_deb()
        sources = [
            deb,
            Path(__file__).with_name("buildroot.py"),
            Path(__file__).parents[1] / "dracut",
        ]
        if agent == "upstream":
            if not UPSTREAM_BINARY.exists():
                raise HarnessError(f"upstream's binary is missing: {UPSTREAM_BINARY}")
            sources.append(UPSTREAM_BINARY)
        key = digest_of(sources, kernel.version, COMMON_MODULES, *PACKAGES, *flavour.split())
    where = cache_dir("initramfs", "-".join([agent, *flavour.split(), key]))
    image = where / "user.img"
    if not image.exists():
        say(f"building the userspace half of the initramfs with the {agent} agent")
        partial = where / "user.img.partial"
        if agent == "debian":
            _host_dracut(kernel, partial, "--no-kernel", "-m", f"{COMMON_MODULES} ignition")
        else:
            binary = UPSTREAM_BINARY if agent == "upstream" else None
            dracut_in_build_root(kernel, deb, partial, f"{COMMON_MODULES} {DISTRO_MODULE}",
                                 binary, flavour)  # fmt: skip
        partial.rename(image)
    return image


def build_initramfs(kernel: Kernel, agent: str, output: Path, flavour: str = "") -> Path:
    """The whole initramfs for `agent` at `output` (a copy of the cached halves), the
    module built with `flavour` ("" or "flatcar")."""
    if agent not in AGENTS:
        raise HarnessError(f"unknown agent {agent!r}: one of {', '.join(AGENTS)}")
    with output.open("wb") as out:
        for half in (_kernel_half(kernel), _user_half(kernel, agent, flavour)):
            with half.open("rb") as part:
                shutil.copyfileobj(part, out)
    return output
