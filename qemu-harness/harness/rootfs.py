"""The target image: a debootstrapped Debian bookworm on an ext4 image labelled root.

Prepared so that a first boot does what a provisioned machine does: machine-id
'uninitialized' (systemd then applies the preset Ignition wrote), a persistent journal
(the host reads the initrd's part of it afterwards), and a unit that, once the system is
up, leaves a marker and powers the VM off.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .cache import cache_dir, digest_of
from .shell import run, say

ROOT_IMAGE_SIZE = "2G"
DONE_MARKER = "/var/lib/harness-done"
_DONE_UNIT = f"""[Unit]
Description=Harness: the provisioned system is up
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%s.%N > {DONE_MARKER}; systemctl --no-block poweroff'

[Install]
WantedBy=multi-user.target
"""


def _prepare(tree: Path) -> None:
    (tree / "etc/machine-id").write_text("uninitialized\n")
    (tree / "etc/fstab").write_text("LABEL=root / ext4 defaults 0 1\n")
    (tree / "var/log/journal").mkdir(parents=True, exist_ok=True)
    # Debian's Go Ignition always relabels what it wrote (with setfiles, from the
    # initramfs): give it a policy that labels nothing, as this target runs without SELinux.
    contexts = tree / "etc/selinux/targeted/contexts/files"
    contexts.mkdir(parents=True, exist_ok=True)
    (contexts / "file_contexts").write_text("/.*\t<<none>>\n")
    (tree / "etc/selinux/config").write_text("SELINUX=disabled\nSELINUXTYPE=targeted\n")
    unit = tree / "etc/systemd/system/harness-done.service"
    unit.write_text(_DONE_UNIT)
    wants = tree / "etc/systemd/system/multi-user.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    (wants / unit.name).symlink_to("/etc/systemd/system/harness-done.service")


def base_root_image() -> Path:
    """The pristine target image (cached); boots work on copies of it."""
    key = digest_of([Path(__file__)])
    where = cache_dir("rootfs", key)
    image = where / "root.img"
    if image.exists():
        return image
    tree = where / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    say("debootstrapping Debian bookworm (minbase, systemd) for the target image")
    run(["debootstrap", "--variant=minbase", "--include=systemd-sysv,udev", "bookworm", str(tree)])
    _prepare(tree)
    partial = where / "root.img.partial"
    run(["mkfs.ext4", "-q", "-F", "-L", "root", "-d", str(tree), str(partial), ROOT_IMAGE_SIZE])
    partial.rename(image)
    shutil.rmtree(tree)
    return image


def fresh_copy(image: Path, target: Path) -> Path:
    run(["cp", "--sparse=always", str(image), str(target)])
    return target
