"""Roots for the stages that write into one, and snapshots of a root read back with
lstat, so that two agents' results can be compared."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Roots live under a world-searchable directory: SSH keys are written as the user, who
# must be able to reach the root (pytest's own tmp dirs are 0700).
WORK_BASE = Path("/var/tmp/ignition-py-tests/files")

LOGIN_DEFS = """\
MAIL_DIR /var/mail
PASS_MAX_DAYS 99999
PASS_MIN_DAYS 0
PASS_WARN_AGE 7
UID_MIN 1000
UID_MAX 60000
SYS_UID_MIN 100
SYS_UID_MAX 999
GID_MIN 1000
GID_MAX 60000
SYS_GID_MIN 100
SYS_GID_MAX 999
UMASK 022
USERGROUPS_ENAB yes
ENCRYPT_METHOD SHA512
"""
TREE: dict[str, tuple[str, int]] = {
    "etc/passwd": (
        "root:x:0:0:root:/root:/bin/bash\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "core:x:500:500:Core:/home/core:/bin/bash\n",
        0o644,
    ),
    "etc/group": (
        "root:x:0:\ndaemon:x:1:\nwheel:x:10:\nsudo:x:27:\nusers:x:100:\ncore:x:500:\n",
        0o644,
    ),
    "etc/shadow": (
        "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\ncore:*:19000::::::\n",
        0o640,
    ),
    "etc/gshadow": ("root:*::\ndaemon:*::\nwheel:*::\nsudo:*::\nusers:*::\ncore:!::\n", 0o640),
    "etc/login.defs": (LOGIN_DEFS, 0o644),
    "etc/skel/.profile": ("# skel\n", 0o644),
    # Debian's Ignition 2.14 is built with SELinux relabeling; this file (and a no-op
    # setfiles on its PATH) lets the oracle finish. ignition-py does not relabel.
    "etc/selinux/config": ("SELINUX=disabled\nSELINUXTYPE=default\n", 0o644),
}
DIRECTORIES = {"root": 0o700, "home": 0o755, "home/core": 0o755, "usr/sbin": 0o755, "var": 0o755}


def make_root(root: Path) -> None:
    """A minimal system tree under ``root`` that useradd/groupadd --root accept (needs root:
    home/core is chowned to 500:500)."""
    for name, mode in DIRECTORIES.items():
        (root / name).mkdir(parents=True, exist_ok=True)
        os.chmod(root / name, mode)
    os.chown(root / "home/core", 500, 500)
    for name, (text, mode) in TREE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.chmod(path, mode)


@contextmanager
def work_dir() -> Iterator[Path]:
    """A fresh world-searchable directory under WORK_BASE, removed afterwards."""
    WORK_BASE.mkdir(parents=True, exist_ok=True)
    os.chmod(WORK_BASE, 0o755)
    path = Path(tempfile.mkdtemp(dir=WORK_BASE))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


Node = tuple[Any, ...]


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, Node]:
    """Every path under root (relative, ``skip`` left out) -> its type, mode, owner, contents
    hash or link target, and the first path sharing its inode (hard links)."""
    nodes: dict[str, Node] = {}
    first_path: dict[int, str] = {}
    for directory, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(directory) / name
            relative = str(path.relative_to(root))
            if relative in skip:
                continue
            info = os.lstat(path)
            mode = stat.S_IMODE(info.st_mode)
            if stat.S_ISLNK(info.st_mode):
                nodes[relative] = ("link", info.st_uid, info.st_gid, os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                nodes[relative] = ("dir", oct(mode), info.st_uid, info.st_gid)
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                same = first_path.setdefault(info.st_ino, relative)
                nodes[relative] = ("file", oct(mode), info.st_uid, info.st_gid, digest, same)
    return nodes
