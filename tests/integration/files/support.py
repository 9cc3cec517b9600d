"""Target trees, the two agents (ignition-py and Go Ignition 2.14) run as upstream's own
test harness runs them, and snapshots of a tree read back with lstat."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ignition_py.config.cache import write_cached
from ignition_py.config.parse import parse_config
from tests.oracles import DEBIAN

GO_IGNITION = DEBIAN.agent
NOT_ROOT = "needs root (chown, useradd --root, target trees owned by other users)"
if os.geteuid() != 0:
    print(f"skipping files stage integration tests: {NOT_ROOT}")
OURS = Path(sys.executable).parent / "ignition"
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


def make_target(root: Path) -> None:
    """A minimal system tree that useradd/groupadd --root accept."""
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
    WORK_BASE.mkdir(parents=True, exist_ok=True)
    os.chmod(WORK_BASE, 0o755)
    path = Path(tempfile.mkdtemp(dir=WORK_BASE))
    os.chmod(path, 0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@dataclass
class Run:
    returncode: int
    output: str


def write_config(config: dict[str, Any], cache: Path) -> None:
    parsed = parse_config(json.dumps(config))
    assert parsed.config is not None and not parsed.report.has_errors, str(parsed.report)
    write_cached(cache, parsed.config)


def run_agent(
    agent: Path,
    config: dict[str, Any],
    root: Path,
    scratch: Path,
    *,
    stage: str = "files",
    env: dict[str, str] | None = None,
    state: dict[str, Any] | None = None,
) -> Run:
    """The agent's own fetch-offline (and fetch, if it says the network is needed) on the
    raw config, as at boot, then `AGENT -platform file -stage STAGE -root ROOT`: each agent
    parses and translates the config itself, so translation differences show."""
    scratch.mkdir(parents=True, exist_ok=True)
    raw = scratch / "user.ign"
    raw.write_text(json.dumps(config))
    cache, neednet = scratch / "config.json", scratch / "neednet"
    state_file = scratch / "state"
    if state is not None:
        state_file.write_text(json.dumps(state))
    system_dir = scratch / "system"
    system_dir.mkdir(exist_ok=True)
    environment = {
        "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        "IGNITION_SYSTEM_CONFIG_DIR": str(system_dir),
        "IGNITION_CONFIG_FILE": str(raw),
        **(env or {}),
    }
    common = ["-platform", "file", "-root", str(root), "-log-to-stdout"]
    common += ["-config-cache", str(cache), "-state-file", str(state_file)]
    common += ["-neednet", str(neednet)]
    output = ""
    stages = ["fetch-offline", stage]
    while stages:
        name = stages.pop(0)
        argv = [str(agent), *common, "-stage", name]
        done = subprocess.run(argv, capture_output=True, text=True, env=environment, timeout=120)
        output += done.stdout + done.stderr
        if done.returncode != 0:
            return Run(done.returncode, output)
        if name == "fetch-offline" and not cache.exists() and neednet.exists():
            stages.insert(0, "fetch")
    return Run(0, output)


def run_ours(config: dict[str, Any], root: Path, scratch: Path, **kwargs: Any) -> Run:
    return run_agent(OURS, config, root, scratch, **kwargs)


def run_go(
    config: dict[str, Any], root: Path, scratch: Path, agent: Path = GO_IGNITION, **kwargs: Any
) -> Run:
    """An upstream agent (Go 2.14 unless ``agent`` says otherwise), with a no-op setfiles."""
    fake = scratch / "bin"
    fake.mkdir(parents=True, exist_ok=True)
    setfiles = fake / "setfiles"
    setfiles.write_text("#!/bin/sh\ncat >/dev/null\n")
    setfiles.chmod(0o755)
    env = dict(kwargs.pop("env", None) or {})
    env["PATH"] = f"{fake}:{env.get('PATH', os.environ.get('PATH', '/usr/bin:/bin'))}"
    return run_agent(agent, config, root, scratch, env=env, **kwargs)


Node = tuple[Any, ...]


def snapshot(root: Path, skip: tuple[str, ...] = ()) -> dict[str, Node]:
    """Every path under root: type, mode, owner, contents hash or link target, and which
    paths share an inode (hard links)."""
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
