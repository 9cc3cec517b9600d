"""crypttab lines and key files for storage.luks: the volumes are real LUKS2 headers on
image files (cryptsetup luksFormat works on a plain file, no device-mapper needed), the
key files come from the state file as the disks stage leaves them."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.oracles import UPSTREAM

from .support import NOT_ROOT, make_root, run_go, run_ours, snapshot, work_dir

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT),
    pytest.mark.skipif(shutil.which("cryptsetup") is None, reason="cryptsetup absent"),
]
KEY = b"0123456789abcdef-generated-key-material"


ALIASES = Path("/run/ignition/dev_aliases")
MISSING_KEY = "creating crypttab entries: missing persisted keyfile for data"


@contextmanager
def aliases(*devices: Path) -> Iterator[None]:
    """The links v2.26.0's disks stage leaves for its files stage, which asks luksUUID of
    the alias (no instantiated unit here: no fake manager, whose namespace hides
    /run/ignition)."""
    made = [ALIASES / str(device).lstrip("/") for device in devices]
    try:
        for alias, device in zip(made, devices, strict=True):
            alias.parent.mkdir(parents=True, exist_ok=True)
            alias.symlink_to(device)
        yield
    finally:
        for alias in made:
            alias.unlink(missing_ok=True)
            for parent in list(alias.relative_to(ALIASES).parents)[:-1]:
                try:
                    (ALIASES / parent).rmdir()
                except OSError:
                    break  # another run's alias is there too


def luks_image(path: Path) -> str:
    with open(path, "wb") as image:
        image.truncate(20 << 20)
    key = path.with_suffix(".key")
    key.write_bytes(KEY)
    subprocess.run(
        ["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2",
         "--pbkdf-force-iterations", "1000", "--key-file", str(key), str(path)],
        check=True, capture_output=True,
    )  # fmt: skip
    uuid = subprocess.run(["cryptsetup", "luksUUID", str(path)], check=True, capture_output=True)
    return uuid.stdout.decode().strip()


def test_crypttab_and_key_files() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        (root / "etc/crypttab").write_text("old UUID=1234 none luks\n")
        data_uuid = luks_image(work / "data.img")
        tang_uuid = luks_image(work / "tang.img")
        config = {
            "ignition": {"version": "3.4.0"},
            "storage": {
                "luks": [
                    {
                        "name": "data",
                        "device": str(work / "data.img"),
                        "discard": True,
                        "openOptions": ["--perf-no_read_workqueue"],
                    },
                    {
                        "name": "tangvol",
                        "device": str(work / "tang.img"),
                        "clevis": {"tang": [{"url": "http://tang.example", "thumbprint": "x"}]},
                    },
                ]
            },
        }
        state = {
            "luksPersistKeyFiles": {"data": "data:;base64," + base64.b64encode(KEY).decode()},
        }
        # What fetch-offline records, as Go's does; the files stage must keep it and, as
        # v2.26.0's every stage does, add the system base config again.
        base = {"kind": "base", "source": "system", "referenced": False}
        fetched = [base, {"kind": "user", "source": "file", "referenced": False}, base]
        done = run_ours(config, root, work / "scratch", state=state)
        assert done.returncode == 0, done.output
        # as v2.26.0: discard and the open options are in the header (luksOpen
        # --persistent), never in the line; ours used to add them
        crypttab = (
            "old UUID=1234 none luks\n"
            f"data UUID={data_uuid} /etc/luks/data luks\n"
            f"tangvol UUID={tang_uuid} none luks,_netdev\n"
        )
        assert (root / "etc/crypttab").read_text() == crypttab
        assert (root / "etc/crypttab").stat().st_mode & 0o7777 == 0o600
        assert (root / "etc/luks").stat().st_mode & 0o7777 == 0o700
        assert (root / "etc/luks/data").read_bytes() == KEY
        assert (root / "etc/luks/data").stat().st_mode & 0o7777 == 0o600
        assert not (root / "etc/luks/tangvol").exists()
        saved = json.loads((work / "scratch/state").read_text())
        assert saved["luksPersistKeyFiles"] is None
        assert saved["fetchedConfigs"] == fetched
        assert KEY.decode() not in done.output
        result = json.loads((root / "etc/.ignition-result.json").read_text())
        assert result["userConfigProvided"] is True
        if not UPSTREAM.present():
            print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
            return
        theirs = work / "upstream-root"
        make_root(theirs)
        (theirs / "etc/crypttab").write_text("old UUID=1234 none luks\n")
        with aliases(work / "data.img", work / "tang.img"):
            upstream = run_go(config, theirs, work / "s2", agent=UPSTREAM.agent, state=state)
        assert upstream.returncode == 0, upstream.output
        assert (theirs / "etc/crypttab").read_text() == crypttab
        assert (theirs / "etc/luks/data").read_bytes() == KEY


def test_missing_luks_device_fails_with_cryptsetup_error() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        config = {
            "ignition": {"version": "3.2.0"},
            "storage": {"luks": [{"name": "gone", "device": str(work / "nothing.img")}]},
        }
        state = {"luksPersistKeyFiles": {"gone": "data:;base64," + base64.b64encode(KEY).decode()}}
        done = run_ours(config, root, work / "scratch", state=state)
        assert done.returncode == 1
        assert "cryptsetup luksUUID" in done.output and "exited with code" in done.output
        assert not (root / "etc/crypttab").exists()


def test_a_volume_without_clevis_and_without_its_key_fails_before_any_write() -> None:
    """v2.26.0 fails the files stage when a volume without clevis has no key in the state
    (after writing the files, users and units before it); ignition-py decides it in the
    plan, so the root is left as it was. It used to write `none` for such a volume."""
    with work_dir() as work:
        uuid = luks_image(work / "data.img")
        assert uuid
        config = {
            "ignition": {"version": "3.4.0"},
            "storage": {
                "files": [{"path": "/etc/x", "contents": {"source": "data:,x"}}],
                "luks": [{"name": "data", "device": str(work / "data.img")}],
            },
            "systemd": {"units": [{"name": "a.service", "contents": "[Service]\n"}]},
        }
        state = {"luksPersistKeyFiles": {"other": "data:,k"}}
        root = work / "root"
        make_root(root)
        before = snapshot(root)
        done = run_ours(config, root, work / "scratch", state=state)
        assert done.returncode == 1
        assert MISSING_KEY in done.output, done.output
        assert snapshot(root) == before
        if not UPSTREAM.present():
            print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
            return
        theirs = work / "upstream-root"
        make_root(theirs)
        with aliases(work / "data.img"):
            upstream = run_go(config, theirs, work / "s2", agent=UPSTREAM.agent, state=state)
        assert upstream.returncode == 1
        assert MISSING_KEY in upstream.output, upstream.output
        assert (theirs / "etc/x").exists()  # upstream had written what came before
