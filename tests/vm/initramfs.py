"""Builds the guest's initramfs: busybox-static, /init (init.sh beside this file) and the
kernel modules the tests need, with their dependencies and a modules.dep of their own.
/init loads BOOT_MODULES with busybox modprobe and binds the module tree into the guest's
root, where the kernel's on-demand requests reach the host's own modprobe (kmod)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from harness.kernel import Kernel

from tests.vm.cpio import CpioWriter

BUSYBOX = Path("/bin/busybox")
INIT_SCRIPT = Path(__file__).with_name("init.sh")
MODULE_LIST_PATH = "etc/ignition-py-vm/modules"

# Loaded by /init before anything else: the machine's devices, the 9p root, and the
# cheap modules whose device nodes tools expect to find (loop-control, mapper/control).
BOOT_MODULES: tuple[str, ...] = (
    "virtio_pci", "virtio_blk", "virtio_scsi", "sr_mod", "sd_mod", "virtio-rng", "qemu_fw_cfg",
    "9pnet_virtio", "9p", "overlay", "loop", "dm-mod", "md-mod",
)  # fmt: skip
# In the image, loaded by the kernel on first use (mount, dm table, md personality,
# crypto lookup) through modprobe, as on an installed system. Big filesystem modules take
# up to a second each to load under TCG, so boots that do not use them do not pay.
ON_DEMAND_MODULES: tuple[str, ...] = (
    "ext4", "xfs", "btrfs", "vfat", "msdos", "isofs", "udf",
    "nls_cp437", "nls_iso8859-1", "nls_utf8", "nls_ascii",
    # checksums that ext4 and btrfs ask for by alias (their softdeps)
    "crc32c-intel", "crc32c_generic", "xxhash_generic", "blake2b_generic",
    # LUKS: dm-crypt, the ciphers and hashes of LUKS2 defaults, and the kernel crypto
    # API for userspace that libcryptsetup uses for keyslots
    "dm-crypt", "xts", "ecb", "essiv", "aesni-intel", "sha256-ssse3", "sha512-ssse3",
    "af_alg", "algif_skcipher", "algif_hash", "algif_rng",
    # md RAID at every level Ignition accepts
    "linear", "raid0", "raid1", "raid10", "raid456",
)  # fmt: skip
MODULES = BOOT_MODULES + ON_DEMAND_MODULES

# The applets /init uses, linked to busybox (the guest's own tools come from the host).
BUSYBOX_APPLETS: tuple[str, ...] = (
    "sh", "mount", "mkdir", "modprobe", "chroot", "mv", "rm", "sync", "poweroff", "ip", "uname",
    "ln",
)  # fmt: skip

_SIGNATURE_MARKER = b"~Module signature appended~\n"
_SIGNATURE_INFO_SIZE = 12  # struct module_signature, ending in the big-endian length
KERNEL_FILES = ("modules.order", "modules.builtin", "modules.builtin.modinfo")


class InitramfsError(RuntimeError):
    """A module the guest needs is not in the kernel package, or a build step failed."""


def _module_key(name: str) -> str:
    return name.replace("-", "_")


def _read_module_table(modules_dir: Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(module name -> relative path, relative path -> its dependencies) from modules.dep."""
    paths: dict[str, str] = {}
    depends: dict[str, list[str]] = {}
    for line in (modules_dir / "modules.dep").read_text().splitlines():
        path, _, deps = line.partition(":")
        name = Path(path).name.removesuffix(".ko")
        paths[_module_key(name)] = path
        depends[path] = deps.split()
    return paths, depends


def _builtin_names(modules_dir: Path) -> set[str]:
    lines = (modules_dir / "modules.builtin").read_text().splitlines()
    return {_module_key(Path(line).name.removesuffix(".ko")) for line in lines}


def module_closure(modules_dir: Path, names: Iterable[str]) -> list[str]:
    """Relative paths of `names` and everything they depend on, dependencies first.
    Names built into the kernel are skipped; an unknown name is an error."""
    paths, depends = _read_module_table(modules_dir)
    builtin = _builtin_names(modules_dir)
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(path: str) -> None:
        if path in seen:
            return
        seen.add(path)
        for dependency in depends.get(path, []):
            visit(dependency)
        ordered.append(path)

    for name in names:
        key = _module_key(name)
        if key in paths:
            visit(paths[key])
        elif key not in builtin:
            raise InitramfsError(f"kernel module {name} is neither in modules.dep nor built in")
    return ordered


def strip_signature(module: bytes) -> bytes:
    """The module without its appended signature: checking one costs about 0.1 s per module
    under TCG, and an unsigned module only taints the (throwaway) guest kernel."""
    if not module.endswith(_SIGNATURE_MARKER):
        return module
    info_end = len(module) - len(_SIGNATURE_MARKER)
    (signature_length,) = struct.unpack(">I", module[info_end - 4 : info_end])
    return module[: info_end - _SIGNATURE_INFO_SIZE - signature_length]


def _stage_modules(kernel: Kernel, closure: list[str], stage_root: Path) -> Path:
    """Copy the closure into stage_root/lib/modules/VERSION and run depmod over it."""
    target = stage_root / "lib" / "modules" / kernel.version
    for relative in closure:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(strip_signature((kernel.modules_dir / relative).read_bytes()))
    for name in KERNEL_FILES:
        shutil.copyfile(kernel.modules_dir / name, target / name)
    done = subprocess.run(
        ["depmod", "-b", str(stage_root), kernel.version], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise InitramfsError(f"depmod over the guest's modules failed: {done.stderr.strip()}")
    return target


def _add_tree(archive: CpioWriter, root: Path, prefix: str) -> None:
    for path in sorted(root.rglob("*")):
        name = f"{prefix}/{path.relative_to(root)}"
        if path.is_dir():
            archive.directory(name)
        else:
            archive.file(name, path.read_bytes())


def write_initramfs(kernel: Kernel, output: Path) -> None:
    """Write an uncompressed newc initramfs to `output` (atomically: temp file + rename).
    Uncompressed so that the guest kernel has nothing to decompress under TCG."""
    closure = module_closure(kernel.modules_dir, MODULES)
    partial = output.with_name(output.name + ".partial")
    try:
        _write_archive(kernel, closure, partial)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(output)


def _write_archive(kernel: Kernel, closure: list[str], partial: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="ignition-py-vm-modules-") as stage:
        modules = _stage_modules(kernel, closure, Path(stage))
        with partial.open("wb") as stream:
            archive = CpioWriter(stream)
            for directory in ("vm", "bin", "sbin", "dev", "proc", "sys", "run", "etc",
                              "etc/ignition-py-vm", "lib", "lib/modules"):  # fmt: skip
                archive.directory(directory)
            archive.char_device("dev/console", 5, 1)
            archive.char_device("dev/null", 1, 3, mode=0o666)
            archive.file("vm/busybox", BUSYBOX.read_bytes(), mode=0o755)
            archive.file("vm/init", INIT_SCRIPT.read_bytes(), mode=0o755)
            archive.symlink("init", "vm/init")
            for applet in BUSYBOX_APPLETS:
                archive.symlink(f"bin/{applet}", "../vm/busybox")
            archive.symlink("sbin/modprobe", "../vm/busybox")
            archive.file(MODULE_LIST_PATH, "".join(f"{m}\n" for m in BOOT_MODULES).encode())
            archive.directory(f"lib/modules/{kernel.version}")
            _add_tree(archive, modules, f"lib/modules/{kernel.version}")
            archive.close()
