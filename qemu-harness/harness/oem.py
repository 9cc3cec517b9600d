"""A Flatcar-style OEM disk: an ext4 filesystem labelled OEM holding a directory's files
and the boot's config, either at OEM_CONFIG_PATH, which the agent reads through
flatcar.config.url=oem://OEM_CONFIG_PATH, or at OEM_USER_CONFIG_PATH, Flatcar's config.ign
that the flatcar flavour's initramfs makes the user config."""

from __future__ import annotations

import shutil
from pathlib import Path

from .shell import run

OEM_CONFIG_PATH = "/harness/config.ign"
OEM_USER_CONFIG_PATH = "/config.ign"
OEM_DISK_SIZE = "64M"


def oem_disk(files: Path, config: Path, out: Path, at: str = OEM_CONFIG_PATH) -> tuple[Path, Path]:
    """(the disk image, the host tree it was made from) in `out`: `files`'s contents plus
    `config` at the path `at`."""
    tree = out / "oem-tree"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(files, tree)
    target = tree / at.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(config, target)
    image = out / "oem.img"
    image.unlink(missing_ok=True)
    run(["mkfs.ext4", "-q", "-F", "-L", "OEM", "-d", str(tree), str(image), OEM_DISK_SIZE])
    return image, tree
