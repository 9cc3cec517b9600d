"""crypttab lines and key files for storage.luks: the volumes are real LUKS2 headers on
image files (cryptsetup luksFormat works on a plain file, no device-mapper needed), the
key files come from the state file as the disks stage leaves them."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .support import NOT_ROOT, make_root, run_ours, work_dir

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT),
    pytest.mark.skipif(shutil.which("cryptsetup") is None, reason="cryptsetup absent"),
]
KEY = b"0123456789abcdef-generated-key-material"


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
        assert (root / "etc/crypttab").read_text() == (
            "old UUID=1234 none luks\n"
            f"data UUID={data_uuid} /etc/luks/data luks,discard,--perf-no_read_workqueue\n"
            f"tangvol UUID={tang_uuid} none luks,_netdev\n"
        )
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


def test_missing_luks_device_fails_with_cryptsetup_error() -> None:
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        config = {
            "ignition": {"version": "3.2.0"},
            "storage": {"luks": [{"name": "gone", "device": str(work / "nothing.img")}]},
        }
        done = run_ours(config, root, work / "scratch")
        assert done.returncode == 1
        assert "cryptsetup luksUUID" in done.output and "exited with code" in done.output
        assert not (root / "etc/crypttab").exists()
