"""Users and groups against upstream v2.26.0, byte for byte: the account databases (and
the backups the shadow tools leave) after new, existing and removed users and groups,
with and without password hashes, through the real groupadd/groupmod/useradd/usermod/
userdel/groupdel on a temp root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .cases import HASH, KEY
from .support import NOT_ROOT, work_dir
from .upstream import run_both

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)

DATABASES = tuple(
    f"etc/{name}{suffix}"
    for name in ("passwd", "shadow", "group", "gshadow")
    for suffix in ("", "-")
)


def _accounts(root: Path) -> None:
    """An existing user with a home, and groups to keep, change and remove."""
    for name, line in (
        (
            "passwd",
            "old:x:600:600::/home/old:/bin/sh\nkeep:x:601:601::/home/keep:/bin/sh\n"
            "mod:x:602:602::/home/mod:/bin/sh\n",
        ),
        (
            "shadow",
            "old:!:19000:0:99999:7:::\nkeep:$6$k$keep:19000:0:99999:7:::\n"
            "mod:!:19000:0:99999:7:::\n",
        ),
        ("group", "old:x:600:\nkeep:x:601:\nmod:x:602:\nstale:x:700:core\nmoved:x:710:\n"),
        ("gshadow", "old:!::\nkeep:!::\nmod:!::\nstale:!::core\nmoved:$6$m$moved::\n"),
    ):
        with open(root / "etc" / name, "a") as out:
            out.write(line)
    (root / "home/mod/.config").mkdir(parents=True)
    for user, uid in (("old", 600), ("keep", 601), ("mod", 602)):
        (root / "home" / user).mkdir(exist_ok=True)
        os.chown(root / "home" / user, uid, uid)


CONFIG = {
    "ignition": {"version": "3.4.0"},
    "passwd": {
        "groups": [
            {"name": "plain"},
            {"name": "empty-hash", "passwordHash": ""},
            {"name": "hashed", "passwordHash": HASH},
            {"name": "sys", "system": True},
            {"name": "fixed", "gid": 4000, "system": True},
            {"name": "wheel", "gid": 10},  # exists, same gid, no hash: untouched
            {"name": "sudo", "passwordHash": HASH},  # exists: groupmod --password
            {"name": "moved", "gid": 720},  # exists: groupmod --gid
            {"name": "stale", "shouldExist": False},
            {"name": "never-was", "shouldExist": False},
        ],
        "users": [
            {"name": "new"},
            {
                "name": "full",
                "uid": 1600,
                "gecos": "Full User",
                "homeDir": "/home/full-home",
                "primaryGroup": "plain",
                "groups": ["wheel", "hashed"],
                "shell": "/bin/sh",
                "passwordHash": HASH,
                "sshAuthorizedKeys": [KEY],
            },
            {"name": "sysuser", "system": True, "noCreateHome": True, "noUserGroup": True,
             "noLogInit": True},
            {"name": "emptypw", "passwordHash": ""},
            {"name": "core", "passwordHash": "", "groups": ["sudo"], "gecos": "Changed",
             "homeDir": "/home/core2"},
            {"name": "keep"},  # exists, nothing asked: usermod with no change
            {"name": "mod", "uid": 1700, "primaryGroup": "plain", "shell": "/bin/bash",
             "groups": ["wheel"], "passwordHash": HASH, "sshAuthorizedKeys": [KEY]},
            {"name": "old", "shouldExist": False},
            {"name": "ghost", "shouldExist": False},
        ],
    },
}  # fmt: skip


def test_accounts_are_byte_for_byte_those_of_upstream() -> None:
    with work_dir() as work:
        pair = run_both(work, CONFIG, _accounts)
        assert pair.ours.returncode == 0, pair.ours.output
        assert HASH not in pair.ours.output  # groupmod --password included
        gshadow = (pair.ours_root / "etc/gshadow").read_text().splitlines()
        # no `--password '*'`: groupadd's own `!`; an existing group left as it was
        assert "plain:!::" in gshadow and "empty-hash:!::" in gshadow
        assert "wheel:*::full,mod" in gshadow and f"sudo:{HASH}::core" in gshadow
        assert "moved:x:720:" in (pair.ours_root / "etc/group").read_text().splitlines()
        assert not (pair.ours_root / "home/old").exists()
        pair.assert_same_tree(also_bytes=DATABASES)


def _homeless(root: Path) -> None:
    with open(root / "etc/passwd", "a") as out:
        out.write("homeless:x:650:100::/nonexistent:/usr/sbin/nologin\n")
    with open(root / "etc/shadow", "a") as out:
        out.write("homeless:*:19000:0:99999:7:::\n")


def test_a_configured_user_whose_home_is_missing_fails_the_stage_as_upstream() -> None:
    """Upstream looks up every configured user's home after the users step (to relabel
    it) and fails when it is missing; the usermod has been done by then."""
    config = {
        "ignition": {"version": "3.4.0"},
        "passwd": {"users": [{"name": "homeless", "groups": ["wheel"]},
                             {"name": "skipped", "noCreateHome": True}]},
    }  # fmt: skip
    with work_dir() as work:
        pair = run_both(work, config, _homeless)
        assert pair.ours.returncode == 1
        assert "home directory of 'homeless': No such file or directory" in pair.ours.output
        assert "wheel:x:10:homeless" in (pair.ours_root / "etc/group").read_text()
        pair.assert_same_tree(also_bytes=DATABASES)
