"""The distribution's build machine: a debootstrapped Debian bookworm with dracut and the
tools an initramfs takes from it, where the project's package is installed with dpkg and
the ordinary `dracut --add ignition` builds the initramfs, as a distribution's image
build does."""

from __future__ import annotations

import fcntl
import shlex
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .cache import cache_dir, digest_of
from .kernel import Kernel
from .package import SYSTEM_PATH
from .shell import run, say

# systemd-sysv gives the initramfs `poweroff`, which rd.emergency=poweroff runs on a failed boot
PACKAGES = (
    "systemd", "systemd-sysv", "udev", "dbus", "dracut-core", "dracut-network", "kmod", "cpio",
    "zstd", "curl", "ca-certificates", "iproute2", "e2fsprogs", "xfsprogs", "btrfs-progs",
    "dosfstools", "fdisk", "gdisk", "mdadm", "cryptsetup-bin", "policycoreutils", "python3",
    "python3-requests", "python3-jsonschema", "python3-fastjsonschema", "python3-yaml",
)  # fmt: skip
DISTRO_MODULES = Path(__file__).resolve().parents[1] / "dracut"
MODULES_D = "usr/lib/dracut/modules.d"


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    with (root.parent / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _build_root() -> Path:
    where = cache_dir("buildroot", digest_of([], *PACKAGES))
    root = where / "root"
    if (where / "ready").exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    say("debootstrapping the distribution's build root (bookworm, dracut, python3)")
    run(["debootstrap", "--variant=minbase", f"--include={','.join(PACKAGES)}", "bookworm",
         str(root)])  # fmt: skip
    (where / "ready").write_text("")
    return root


def _in_root(root: Path, kernel: Kernel, command: str) -> None:
    """Run a shell command chrooted in `root`, with /dev, /proc, /sys and the kernel's
    modules mounted in a private mount namespace (gone when it ends)."""
    modules = root / "lib/modules" / kernel.version
    modules.mkdir(parents=True, exist_ok=True)
    script = (
        f"set -e; cd {shlex.quote(str(root))}; mount --rbind /dev dev; mount -t proc proc proc; "
        f"mount --rbind /sys sys; mount --bind {shlex.quote(str(kernel.modules_dir))} "
        f"lib/modules/{kernel.version}; exec chroot . /bin/sh -c {shlex.quote(command)}"
    )
    run(["unshare", "--mount", "--propagation", "private", "env", f"PATH={SYSTEM_PATH}",
         "sh", "-c", script])  # fmt: skip


def install_package(root: Path, kernel: Kernel, deb: Path) -> None:
    stamp = root.parent / "installed-deb"
    if stamp.exists() and stamp.read_text() == deb.name + str(deb.parent):
        return
    say(f"installing {deb.name} into the build root")
    shutil.copy2(deb, root / "tmp" / deb.name)
    _in_root(root, kernel, f"dpkg -i /tmp/{deb.name} && rm /tmp/{deb.name}")
    stamp.write_text(deb.name + str(deb.parent))


def _install_distro_modules(root: Path) -> None:
    for module in DISTRO_MODULES.iterdir():
        target = root / MODULES_D / module.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(module, target)


@contextmanager
def agent_binary(root: Path, binary: Path | None) -> Iterator[None]:
    """With `binary`, the module's $moddir/ignition is that file while the block runs (as a
    distribution drops its own agent there), and the package's launcher afterwards."""
    if binary is None:
        yield
        return
    launcher = root / MODULES_D / "30ignition" / "ignition"
    saved = launcher.with_name("ignition.package")
    launcher.rename(saved)
    try:
        shutil.copy2(binary, launcher)
        yield
    finally:
        launcher.unlink(missing_ok=True)
        saved.rename(launcher)


def dracut_in_build_root(
    kernel: Kernel,
    deb: Path,
    output: Path,
    modules: str,
    binary: Path | None = None,
    flavour: str = "",
) -> None:
    """The userspace half of an initramfs (no kernel modules) at `output`, made by the build
    root's own dracut with `--add ignition` after installing `deb` (agent `binary` in
    place of the package's launcher when given; the module's `flavour`, e.g. flatcar,
    through IGNITION_PY_FLAVOUR)."""
    root = _build_root()
    with _locked(root):
        install_package(root, kernel, deb)
        _install_distro_modules(root)
        inside = f"/tmp/initramfs-{output.name}"
        with agent_binary(root, binary):
            _in_root(root, kernel, shlex.join([
                "env", f"IGNITION_PY_FLAVOUR={flavour}",
                "dracut", "-q", "--force", "--no-hostonly", "--no-kernel", "--kver",
                kernel.version, "--compress", "zstd", "-m", modules, "--add", "ignition", inside,
            ]))  # fmt: skip
        shutil.move(root / inside.lstrip("/"), output)
