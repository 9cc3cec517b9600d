"""A target image with a small SELinux policy's file contexts (`--selinux`): the stages then
relabel what they write, as upstream does on Fedora CoreOS, and the checks read the labels
back from the `security.selinux` xattrs on the target image. The kernel need not enforce
anything: setfiles writes the xattrs whether or not SELinux is active."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from pathlib import Path

from .shell import run

POLICY = "harness"
CONFIG = f"SELINUX=permissive\nSELINUXTYPE={POLICY}\n"
# (path regex, type), the most specific last, as setfiles prefers later equal matches
CONTEXTS: tuple[tuple[str, str], ...] = (
    ("/.*", "default_t"),
    ("/etc(/.*)?", "etc_t"),
    ("/etc/passwd", "passwd_file_t"),
    ("/etc/shadow", "shadow_t"),
    ("/etc/systemd/system(/.*)?", "systemd_unit_file_t"),
    ("/home(/.*)?", "user_home_t"),
    ("/var/lib(/.*)?", "var_lib_t"),
)


def file_contexts() -> str:
    return "".join(f"{pattern}\tsystem_u:object_r:{kind}:s0\n" for pattern, kind in CONTEXTS)


def expected_type(path: str) -> str:
    """The type the contexts above give ``path`` (an absolute path in the target image)."""
    chosen = CONTEXTS[0][1]
    for pattern, kind in CONTEXTS:
        if re.fullmatch(pattern, path):
            chosen = kind
    return chosen


def label_type(where: Path) -> str | None:
    """The type of ``where``'s label (the link itself, not followed), or None if unlabelled."""
    try:
        value = os.getxattr(where, "security.selinux", follow_symlinks=False)
    except OSError:
        return None
    parts = value.rstrip(b"\0").decode().split(":")
    return parts[2] if len(parts) > 2 else None


def has_policy(root: Path) -> bool:
    return (root / "etc/selinux" / POLICY / "contexts/files/file_contexts").is_file()


def install_policy(root_image: Path) -> None:
    """Write /etc/selinux/config and the policy's file_contexts into the target image."""
    with tempfile.TemporaryDirectory(prefix="harness-selinux-") as where:
        run(["mount", "-o", "loop", str(root_image), where])
        try:
            selinux = Path(where) / "etc/selinux"
            contexts = selinux / POLICY / "contexts/files"
            contexts.mkdir(parents=True, exist_ok=True)
            (selinux / "config").write_text(CONFIG)
            (contexts / "file_contexts").write_text(file_contexts())
        finally:
            subprocess.run(["umount", where], check=False)
