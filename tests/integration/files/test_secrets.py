"""No secret reaches our logs: password hashes (even in a failing command line), file
contents, key files. Go Ignition 2.14 logs the hash in every useradd command line."""

from __future__ import annotations

import os

import pytest

from tests.oracles import DEBIAN

from .cases import HASH, SECRET_TEXT, data, sha512
from .support import NOT_ROOT, make_root, run_go, run_ours, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)
SECRET = SECRET_TEXT.decode().strip()


def config(primary_group: str | None = None, good_hash: bool = True) -> dict[str, object]:
    user: dict[str, object] = {"name": "alice", "passwordHash": HASH}
    if primary_group:
        user["primaryGroup"] = primary_group
    contents = {"source": data(SECRET_TEXT), "verification": {"hash": sha512(SECRET_TEXT)}}
    if not good_hash:
        contents["verification"] = {"hash": sha512(b"something else")}
    return {
        "ignition": {"version": "3.3.0"},
        "passwd": {"users": [user], "groups": [{"name": "g", "passwordHash": HASH}]},
        "storage": {"files": [{"path": "/etc/secret", "mode": 0o600, "contents": contents}]},
    }


@pytest.mark.parametrize(
    ("name", "cfg", "status"),
    [
        ("success", config(), 0),
        ("failing-useradd", config(primary_group="nosuchgroup"), 1),
        ("bad-content-hash", config(good_hash=False), 1),
    ],
)
def test_no_secret_in_our_logs(name: str, cfg: dict[str, object], status: int) -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        done = run_ours(cfg, root, work / "scratch")
        assert done.returncode == status, done.output
        assert HASH not in done.output
        assert SECRET not in done.output
        assert "<redacted>" in done.output
        if status == 0:
            assert (root / "etc/secret").read_bytes() == SECRET_TEXT
            assert HASH in (root / "etc/shadow").read_text()


@pytest.mark.oracle
@pytest.mark.skipif(not DEBIAN.agent.exists(), reason="Go Ignition 2.14 absent: no oracle")
def test_go_logs_the_hash_we_do_not() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        done = run_go(config(), root, work / "scratch")
        assert done.returncode == 0, done.output
        assert HASH in done.output  # upstream's known leak, kept here as the contrast
