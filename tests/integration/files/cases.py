"""Declarative cases for the files stage: a root tree (with an optional setup), a config
section, and the tree expected afterwards (paths, types, modes, owners, contents, and
lines of passwd/group/shadow); negative cases name the error instead."""

from __future__ import annotations

import base64
import gzip
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

HASH = "$6$rounds=5000$salt$SECRETPASSWORDHASHVALUE"
SECRET_TEXT = b"top-secret-file-contents-42\n"
INSTALL = "[Install]\nWantedBy=multi-user.target\n"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests test@example"


def data(raw: bytes) -> str:
    return "data:," + quote(raw)


def data64(raw: bytes) -> str:
    return "data:;base64," + base64.b64encode(raw).decode()


def sha512(raw: bytes) -> str:
    return "sha512-" + hashlib.sha512(raw).hexdigest()


@dataclass(frozen=True)
class P:
    """What one path must be afterwards ("absent" = must not exist)."""

    kind: str
    mode: int | None = None
    uid: int | None = 0
    gid: int | None = 0
    data: bytes | None = None
    target: str | None = None
    same_as: str | None = None


@dataclass
class Case:
    name: str
    config: dict[str, Any]
    paths: dict[str, P] = field(default_factory=dict)
    lines: dict[str, list[str]] = field(default_factory=dict)  # file -> line prefixes
    setup: Callable[[Path], None] | None = None
    since: str = "3.0.0"
    oracle: bool = True  # also run through Go Ignition 2.14
    error: str | None = None  # the stage must fail, saying this
    env: dict[str, str] = field(default_factory=dict)


def _existing(root: Path) -> None:
    (root / "srv").mkdir()
    (root / "srv/kept").write_bytes(b"kept\n")
    os.chmod(root / "srv/kept", 0o600)
    os.chown(root / "srv/kept", 500, 500)
    (root / "srv/log").write_bytes(b"line1\n")
    os.chmod(root / "srv/log", 0o640)
    (root / "srv/dir").mkdir()
    (root / "srv/dir/inside").write_bytes(b"x")
    (root / "srv/samelink").symlink_to("/srv/kept")
    (root / "srv/otherlink").symlink_to("/elsewhere")


def _existing_and_wiped(root: Path) -> None:
    _existing(root)
    (root / "srv/wiped").mkdir()
    (root / "srv/wiped/f").touch()


def _hostile(root: Path) -> None:
    (root / "etc/alt").symlink_to("/var/alt")
    (root / "var/alt").mkdir()
    (root / "etc/escape").symlink_to("../../../../../../../../var/outside")
    (root / "etc/host").symlink_to("/usr/sbin")


def _masked(root: Path) -> None:
    """A masked unit, and an enabled one (off.service) for the config to disable."""
    units = root / "etc/systemd/system"
    (units / "multi-user.target.wants").mkdir(parents=True)
    (units / "was-masked.service").symlink_to("/dev/null")
    (units / "off.service").write_text(f"[Service]\nExecStart=/bin/true\n{INSTALL}")
    (units / "multi-user.target.wants/off.service").symlink_to("/etc/systemd/system/off.service")


GZIPPED = gzip.compress(b"zipped contents\n")
POSITIVE = [
    Case(
        "file-contents-modes-owners",
        {
            "storage": {
                "files": [
                    {"path": "/etc/motd", "contents": {"source": data(b"hello\n")}},
                    {"path": "/etc/b64", "mode": 0o600, "contents": {"source": data64(b"b64\n")}},
                    {
                        "path": "/opt/app/conf",
                        "mode": 0o640,
                        "user": {"name": "core"},
                        "group": {"name": "wheel"},
                        "contents": {"source": data(b"conf")},
                    },
                    {"path": "/opt/ids", "user": {"id": 1234}, "group": {"id": 4321}},
                    {"path": "/opt/empty"},
                    {"path": "/opt/exec", "mode": 0o755},
                ]
            }
        },
        paths={
            "etc/motd": P("file", 0o644, data=b"hello\n"),
            "etc/b64": P("file", 0o600, data=b"b64\n"),
            "opt": P("dir", 0o755),
            "opt/app": P("dir", 0o755),
            "opt/app/conf": P("file", 0o640, 500, 10, b"conf"),
            "opt/ids": P("file", 0o644, 1234, 4321, b""),
            "opt/empty": P("file", 0o644, data=b""),
            "opt/exec": P("file", 0o755, data=b""),
        },
    ),
    Case(
        "file-gzip-and-verification",
        {
            "storage": {
                "files": [
                    {
                        "path": "/etc/zipped",
                        "contents": {
                            "source": data64(GZIPPED),
                            "compression": "gzip",
                            "verification": {"hash": sha512(b"zipped contents\n")},
                        },
                    },
                    {
                        "path": "/etc/sha256",
                        "contents": {
                            "source": data(b"abc"),
                            "verification": {
                                "hash": "sha256-" + hashlib.sha256(b"abc").hexdigest()
                            },
                        },
                    },
                ]
            }
        },
        paths={
            "etc/zipped": P("file", 0o644, data=b"zipped contents\n"),
            "etc/sha256": P("file", data=b"abc"),
        },
        since="3.1.0",
    ),
    Case(
        "file-append-overwrite-existing",
        {
            "storage": {
                "files": [
                    {
                        "path": "/srv/log",
                        "append": [{"source": data(b"line2\n")}, {"source": data64(b"line3\n")}],
                    },
                    {
                        "path": "/srv/new-log",
                        "append": [{"source": data(b"a")}, {"source": data(b"b")}],
                    },
                    {
                        "path": "/srv/both",
                        "contents": {"source": data(b"1")},
                        "append": [{"source": data(b"2")}],
                    },
                    {"path": "/srv/kept", "mode": 0o644, "group": {"id": 27}},
                    {
                        "path": "/srv/dir",
                        "overwrite": True,
                        "contents": {"source": data(b"was a dir")},
                    },
                    {
                        "path": "/srv/otherlink",
                        "overwrite": True,
                        "contents": {"source": data(b"was a link")},
                    },
                ]
            }
        },
        setup=_existing,
        paths={
            "srv/log": P("file", 0o640, data=b"line1\nline2\nline3\n"),
            "srv/new-log": P("file", 0o644, data=b"ab"),
            "srv/both": P("file", 0o644, data=b"12"),
            "srv/kept": P("file", 0o644, 500, 27, b"kept\n"),
            "srv/dir": P("file", 0o644, data=b"was a dir"),
            "srv/dir/inside": P("absent"),
            "srv/otherlink": P("file", 0o644, data=b"was a link"),
        },
    ),
    Case(
        "directories",
        {
            "storage": {
                "directories": [
                    {
                        "path": "/opt/a/b/c",
                        "mode": 0o750,
                        "user": {"id": 500},
                        "group": {"name": "users"},
                    },
                    {"path": "/opt/a", "mode": 0o700},
                    {"path": "/srv/dir", "mode": 0o711},
                    {"path": "/srv/wiped", "overwrite": True},
                    {"path": "/opt/plain"},
                ]
            }
        },
        setup=_existing_and_wiped,
        paths={
            "opt/a": P("dir", 0o700),
            "opt/a/b": P("dir", 0o755),
            "opt/a/b/c": P("dir", 0o750, 500, 100),
            "srv/dir": P("dir", 0o711),
            "srv/dir/inside": P("file", data=b"x"),
            "srv/wiped": P("dir", 0o755),
            "srv/wiped/f": P("absent"),
            "opt/plain": P("dir", 0o755),
        },
    ),
    Case(
        "links",
        {
            "storage": {
                "files": [{"path": "/data/deep/er/file", "contents": {"source": data(b"target")}}],
                "links": [
                    {"path": "/etc/rel", "target": "../data/deep"},
                    {
                        "path": "/etc/abs",
                        "target": "/data/deep/er/file",
                        "user": {"id": 500},
                        "group": {"id": 500},
                    },
                    {"path": "/hard", "target": "/data/deep/er/file", "hard": True},
                    {"path": "/srv/samelink", "target": "/srv/kept"},
                    {"path": "/srv/kept", "target": "/data", "overwrite": True},
                    {"path": "/new/parents/link", "target": "/nowhere"},
                ],
            }
        },
        setup=_existing,
        paths={
            "etc/rel": P("link", target="../data/deep"),
            "etc/abs": P("link", uid=500, gid=500, target="/data/deep/er/file"),
            "data/deep/er/file": P("file", 0o644, data=b"target"),
            "hard": P("file", 0o644, data=b"target", same_as="data/deep/er/file"),
            "srv/samelink": P("link", target="/srv/kept"),
            "srv/kept": P("link", target="/data"),
            "new/parents": P("dir", 0o755),
            "new/parents/link": P("link", target="/nowhere"),
        },
    ),
    Case(
        "symlinks-in-the-target-stay-inside-the-root",
        {
            "storage": {
                "files": [
                    {"path": "/etc/alt/file", "contents": {"source": data(b"via absolute link")}},
                    {"path": "/etc/escape/file", "contents": {"source": data(b"via dot-dot link")}},
                ],
                "directories": [{"path": "/etc/host/sub"}],
            }
        },
        setup=_hostile,
        paths={
            "var/alt/file": P("file", 0o644, data=b"via absolute link"),
            "var/outside/file": P("file", 0o644, data=b"via dot-dot link"),
            "usr/sbin/sub": P("dir", 0o755),
            "etc/alt": P("link", target="/var/alt"),
        },
    ),
    Case(
        "users-and-groups",
        {
            "passwd": {
                "groups": [
                    {"name": "devs", "gid": 3000},
                    {"name": "sysgrp", "system": True, "passwordHash": HASH},
                ],
                "users": [
                    {
                        "name": "alice",
                        "uid": 1500,
                        "gecos": "Alice A",
                        "homeDir": "/home/alice-home",
                        "groups": ["wheel", "devs"],
                        "primaryGroup": "users",
                        "shell": "/bin/zsh",
                        "passwordHash": HASH,
                        "sshAuthorizedKeys": [KEY, "ssh-rsa AAAAB3Second second@example"],
                    },
                    {
                        "name": "svc",
                        "system": True,
                        "noCreateHome": True,
                        "noUserGroup": True,
                        "noLogInit": True,
                    },
                    {"name": "plain"},
                    {"name": "core", "gecos": "Changed", "shell": "/bin/sh", "groups": ["sudo"]},
                ],
            },
            "storage": {
                "files": [
                    {
                        "path": "/home/alice-home/notes",
                        "user": {"name": "alice"},
                        "group": {"name": "devs"},
                    }
                ]
            },
        },
        lines={
            "etc/passwd": [
                "alice:x:1500:100:Alice A:/home/alice-home:/bin/zsh",
                "svc:x:499:100::/home/svc:/bin/bash",
                "plain:x:1501:1501::/home/plain:/bin/bash",
                "core:x:500:500:Changed:/home/core:/bin/sh",
            ],
            "etc/group": [
                "devs:x:3000:alice",
                "sysgrp:x:999:",
                "wheel:x:10:alice",
                "sudo:x:27:core",
                "plain:x:1501:",
            ],
            "etc/shadow": [f"alice:{HASH}:", "svc:*:", "plain:*:", "core:*:"],
            "etc/gshadow": [f"sysgrp:{HASH}:", "devs:!::alice"],
        },
        paths={
            "home/alice-home": P("dir", None, 1500, 100),
            "home/alice-home/.profile": P("file", None, 1500, 100, b"# skel\n"),
            "home/alice-home/.ssh": P("dir", 0o700, 1500, 100),
            "home/alice-home/.ssh/authorized_keys.d": P("dir", 0o700, 1500, 100),
            "home/alice-home/.ssh/authorized_keys.d/ignition": P(
                "file", 0o600, 1500, 100, f"{KEY}\nssh-rsa AAAAB3Second second@example\n".encode()
            ),
            "home/alice-home/notes": P("file", 0o644, 1500, 3000, b""),
            "home/svc": P("absent"),
            "home/plain": P("dir", None, 1501, 1501),
        },
        # Go 2.14 passes groupadd `--password '*'` for a group without a hash (gshadow
        # `devs:*`); v2.26.0 passes none, leaving groupadd's `!` (test_upstream_passwd.py)
        oracle=False,
    ),
    Case(
        "group-that-exists-is-modified",
        {"passwd": {"groups": [{"name": "wheel", "gid": 10}, {"name": "sudo", "gid": 27}]}},
        lines={"etc/group": ["wheel:x:10:", "sudo:x:27:"], "etc/gshadow": ["wheel:*::"]},
        oracle=False,  # Go 2.14 runs groupadd and fails; v2.26.0 runs groupmod
    ),
    Case(
        "users-should-not-exist",
        {
            "passwd": {
                "users": [
                    {"name": "core", "shouldExist": False},
                    {"name": "ghost", "shouldExist": False},
                ],
                "groups": [
                    {"name": "sudo", "shouldExist": False},
                    {"name": "nogroup", "shouldExist": False},
                ],
            }
        },
        paths={"home/core": P("absent")},
        lines={"etc/passwd": ["root:", "daemon:"], "etc/group": ["root:", "wheel:"]},
        since="3.2.0",
    ),
    Case(
        "ssh-keys-without-fragment",
        {"passwd": {"users": [{"name": "core", "sshAuthorizedKeys": [KEY]}]}},
        env={"IGNITION_WRITE_AUTHORIZED_KEYS_FRAGMENT": "false"},
        paths={
            "home/core/.ssh/authorized_keys": P("file", 0o600, 500, 500, f"{KEY}\n".encode()),
            "home/core/.ssh/authorized_keys.d": P("absent"),
        },
    ),
    Case(
        "systemd-units",
        {
            "systemd": {
                "units": [
                    {
                        "name": "app.service",
                        "enabled": True,
                        "contents": f"[Service]\nExecStart=/bin/true\n{INSTALL}",
                        "dropins": [
                            {"name": "10-env.conf", "contents": "[Service]\nEnvironment=A=1\n"}
                        ],
                    },
                    {"name": "off.service", "enabled": False},
                    {"name": "hidden.service", "mask": True},
                    {"name": "was-masked.service", "mask": False},
                    {"name": "getty@.service", "dropins": [{"name": "empty.conf", "contents": ""}]},
                ]
            }
        },
        setup=_masked,
        paths={
            "etc/systemd/system/app.service": P("file", 0o644),
            "etc/systemd/system/app.service.d/10-env.conf": P(
                "file", 0o644, data=b"[Service]\nEnvironment=A=1\n"
            ),
            "etc/systemd/system/hidden.service": P("link", target="/dev/null"),
            "etc/systemd/system/was-masked.service": P("absent"),
            "etc/systemd/system/getty@.service.d/empty.conf": P("file", 0o644, data=b""),
            "etc/systemd/system/multi-user.target.wants/off.service": P("absent"),
            "etc/systemd/system-preset/20-ignition.preset": P("file", 0o644),
        },
        lines={
            "etc/systemd/system-preset/20-ignition.preset": [
                "enable app.service",
                "disable off.service",
            ]
        },
    ),
    Case(
        "instantiated-units-share-a-preset-line",
        {
            "systemd": {
                "units": [
                    {
                        "name": "echo@.service",
                        "contents": f"[Service]\nExecStart=/bin/echo %i\n{INSTALL}",
                    },
                    {"name": "echo@foo.service", "enabled": True},
                    {"name": "echo@bar.service", "enabled": True},
                ]
            }
        },
        lines={"etc/systemd/system-preset/20-ignition.preset": ["enable echo@.service foo bar"]},
        oracle=False,  # Go 2.14 asks the running systemd for its version here, over D-Bus
    ),
    Case(
        "special-mode-bits-from-3.6",
        {
            "storage": {
                "files": [
                    {
                        "path": "/usr/bin/suid",
                        "mode": 0o4755,
                        "contents": {"source": data(b"#!/bin/sh\n")},
                    }
                ],
                "directories": [
                    {"path": "/shared", "mode": 0o1777},
                    {"path": "/setgid", "mode": 0o2775},
                ],
            }
        },
        paths={
            "usr/bin/suid": P("file", 0o4755),
            "shared": P("dir", 0o1777),
            "setgid": P("dir", 0o2775),
        },
        since="3.6.0",
        oracle=False,
    ),
    Case(
        "special-mode-bits-stripped-before-3.6",
        {"storage": {"directories": [{"path": "/shared", "mode": 0o1777}]}},
        paths={"shared": P("dir", 0o777)},
        since="3.5.0",
        oracle=False,
    ),
]

NEGATIVE = [
    Case(
        "overwrite-false-on-an-existing-file",
        {"storage": {"files": [{"path": "/srv/kept", "contents": {"source": data(b"new")}}]}},
        setup=_existing,
        paths={"srv/kept": P("file", 0o600, 500, 500, b"kept\n")},
        error="a file exists there already and overwrite is false",
    ),
    Case(
        "bad-hash-writes-nothing",
        {
            "storage": {
                "files": [
                    {"path": "/opt/first", "contents": {"source": data(b"first")}},
                    {
                        "path": "/opt/second",
                        "contents": {
                            "source": data(SECRET_TEXT),
                            "verification": {"hash": sha512(b"other")},
                        },
                    },
                ]
            }
        },
        paths={"opt/first": P("file", 0o644, data=b"first"), "opt/second": P("absent")},
        error="hash",
    ),
    Case(
        "symlink-at-a-regular-file",
        {"storage": {"links": [{"path": "/srv/kept", "target": "/etc/motd"}]}},
        setup=_existing,
        paths={"srv/kept": P("file", 0o600, 500, 500, b"kept\n")},
        error="a non-symlink already exists at that path and overwrite is false",
    ),
    Case(
        "symlink-pointing-elsewhere",
        {"storage": {"links": [{"path": "/srv/otherlink", "target": "/srv/kept"}]}},
        setup=_existing,
        paths={"srv/otherlink": P("link", target="/elsewhere")},
        error="overwrite is false",
    ),
    Case(
        "hard-link-to-another-file",
        {"storage": {"links": [{"path": "/srv/log", "target": "/srv/kept", "hard": True}]}},
        setup=_existing,
        paths={"srv/log": P("file", 0o640, data=b"line1\n")},
        error="is not the target and overwrite is false",
    ),
    Case(
        "directory-where-a-file-is",
        {"storage": {"directories": [{"path": "/srv/kept"}]}},
        setup=_existing,
        paths={"srv/kept": P("file", 0o600, 500, 500, b"kept\n")},
        error="a non-directory already exists and overwrite is false",
    ),
    Case(
        "file-where-a-directory-is",
        {"storage": {"files": [{"path": "/srv/dir", "append": [{"source": data(b"x")}]}]}},
        setup=_existing,
        paths={"srv/dir": P("dir"), "srv/dir/inside": P("file", data=b"x")},
        error="a non regular file exists there already and overwrite is false",
    ),
    Case(
        "owner-unknown-in-the-root",
        {"storage": {"files": [{"path": "/opt/f", "user": {"name": "nosuchuser"}}]}},
        paths={"opt/f": P("absent")},
        error="nosuchuser",
        # Go 2.14 creates the file (root-owned) and then fails on the owner; ignition-py
        # resolves the owner before it writes anything.
        oracle=False,
    ),
    Case(
        "two-entries-resolve-to-one-path",
        {"storage": {"files": [{"path": "/var/alt/f"}], "directories": [{"path": "/etc/alt/f"}]}},
        setup=_hostile,
        paths={"var/alt/f": P("absent")},
        error="also resolves there",
    ),
]
