"""ignition-py's disks stage (the `ignition` agent, `-stage disks`, then mount/umount)
where this machine's kernel lacks the features: device-mapper for LUKS (a key file, and
clevis bound to a tang server on 127.0.0.1 in the guest), md for RAID1, vfat. Run inside
one QEMU guest by test_disks_in_guest.py, with three blank disks at /dev/vda, /dev/vdb,
/dev/vdc; not collected on the host (the file name does not start with test_). Each
check reads the outcome back from the disks: blkid, luksDump, /proc/mdstat, files."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ignition_py.system.filesystem_modules import registered_filesystems
from testkit.loopdisks import Runner, mounted, probe, sh
from testkit.stagerun import Outcome as StageRun

DISKS = ("/dev/vda", "/dev/vdb", "/dev/vdc")
KEY = b"correct horse battery staple\n"
FAST_PBKDF = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"]  # keeps TCG boots short
TANGD = Path("/usr/libexec/tangd")
TANG_PORT = 7500


@pytest.fixture(autouse=True)
def _blank_disks() -> Iterator[None]:
    if os.environ.get("IGNITION_PY_VM_GUEST") != "1":
        reason = "guest-only checks: run through tests/vm/test_disks_in_guest.py"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    _reset()
    yield
    _reset()


def _reset() -> None:
    for line in sh("findmnt", "-rno", "TARGET,SOURCE").splitlines():
        target, source = line.split(" ", 1)
        if source.startswith(("/dev/mapper/", "/dev/md", "/dev/vd")):
            sh("umount", target, check=False)
    for name in ("secret", "generated", "raided", "tanged"):
        sh("cryptsetup", "luksClose", name, check=False)
    sh("mdadm", "--stop", "--scan", check=False)
    for device in DISKS:
        sh("wipefs", "-a", device, check=False)
        sh("mdadm", "--zero-superblock", device, check=False)
    sh("udevadm", "settle", check=False)


def config(storage: dict[str, Any]) -> dict[str, Any]:
    return {"ignition": {"version": "3.4.0"}, "storage": storage}


def key_url(key: bytes) -> str:
    return "data:;base64," + base64.b64encode(key).decode()


def state(tmp_path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((tmp_path / "state").read_text())
    return loaded


@dataclass
class Provisioned:
    """A config applied by the disks stage, with the runner and root for later stages."""

    runner: Runner
    tree: dict[str, Any]
    root: Path
    output: str  # the disks stage's log

    def stage(self, name: str) -> StageRun:
        return self.runner.stage(name, self.tree, self.root)

    def write_mounted(self, relative: str, text: str) -> None:
        """Mount stage, write ROOT/relative, umount stage."""
        assert self.stage("mount").returncode == 0
        (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
        (self.root / relative).write_text(text)
        assert self.stage("umount").returncode == 0


def disks_stage(tmp_path: Path, storage: dict[str, Any]) -> Provisioned:
    """Run ignition-py's disks stage on `storage` and assert it succeeded."""
    root = tmp_path / "sysroot"
    root.mkdir(exist_ok=True)
    runner, tree = Runner(tmp_path), config(storage)
    result = runner.stage("disks", tree, root)
    assert result.returncode == 0, result.output
    return Provisioned(runner, tree, root, result.output)


def opens_with(device: str, key: bytes, tmp_path: Path) -> bool:
    """Whether `key` unlocks a keyslot of the LUKS volume on `device` (nothing is opened)."""
    key_file = tmp_path / "probe-key"
    key_file.write_bytes(key)
    try:
        argv = ["cryptsetup", "open", "--test-passphrase", "--key-file", str(key_file), device]
        return subprocess.run(argv, capture_output=True).returncode == 0
    finally:
        key_file.unlink()


def test_luks_with_key_file_then_filesystem_mounted(tmp_path: Path) -> None:
    node = disks_stage(tmp_path, {
        "luks": [{"name": "secret", "device": "/dev/vda", "label": "crypt-label",
                  "uuid": "3a9b4c5d-6e7f-4a1b-8c2d-3e4f5a6b7c8d",
                  "keyFile": {"source": key_url(KEY)}, "discard": True,
                  "openOptions": ["--perf-no_read_workqueue"], "options": FAST_PBKDF}],
        "filesystems": [{"device": "/dev/mapper/secret", "format": "ext4", "label": "inner",
                         "path": "/srv"}],
    })  # fmt: skip
    assert KEY.decode() not in node.output
    assert probe("/dev/vda")["TYPE"] == "crypto_LUKS"
    dump = sh("cryptsetup", "luksDump", "/dev/vda")
    assert re.search(r"Version:\s+2", dump)
    assert "crypt-label" in dump and "3a9b4c5d-6e7f-4a1b-8c2d-3e4f5a6b7c8d" in dump
    assert opens_with("/dev/vda", KEY, tmp_path)
    assert not opens_with("/dev/vda", b"not the key\n", tmp_path)
    assert "allow_discards" in sh("dmsetup", "table", "secret")
    # As upstream, luksOpen --persistent kept the discard flag and the open option in the
    # header (clevis luks unlock and crypttab read them from there).
    assert header_flags("/dev/vda") == ["allow-discards", "no-read-workqueue"]
    assert probe("/dev/mapper/secret")["LABEL"] == "inner"
    node.write_mounted("srv/file", "inside\n")
    # As upstream: the key, as a data URL, for the files stage's crypttab and key file.
    stored = state(tmp_path)["luksPersistKeyFiles"]["secret"]
    assert base64.b64decode(stored.split(",", 1)[1]) == KEY
    sh("cryptsetup", "luksClose", "secret")
    again = node.stage("disks")  # reuse: opened with the key, data kept
    assert again.returncode == 0, again.output
    assert "already correctly formatted" in again.output
    with mounted("/dev/mapper/secret", readonly=True) as inner:
        assert (inner / "file").read_text() == "inside\n"
    sh("cryptsetup", "luksClose", "secret")
    # v2.26.0 refuses a volume whose header's flag differs from `discard`
    node.tree["storage"]["luks"][0]["discard"] = False
    refused = node.stage("disks")
    assert refused.returncode == 1, refused.output
    assert (
        'luks device "/dev/vda" could not be reused: volume allow-discards flag true '
        "doesn't match expected value false" in refused.output
    ), refused.output


def header_flags(device: str) -> list[str]:
    dump = json.loads(sh("cryptsetup", "luksDump", "--dump-json-metadata", device))
    return sorted(dump["config"].get("flags", []))


def test_luks_generated_key_kept_in_state(tmp_path: Path) -> None:
    node = disks_stage(tmp_path, {"luks": [{"name": "generated", "device": "/dev/vdb",
                                            "options": FAST_PBKDF}]})  # fmt: skip
    url = state(tmp_path)["luksPersistKeyFiles"]["generated"]
    key = base64.b64decode(url.split(",", 1)[1])
    assert len(key) == 8192 and key.decode() not in node.output
    sh("cryptsetup", "luksClose", "generated")
    assert opens_with("/dev/vdb", key, tmp_path)


def test_luks_refuses_existing_filesystem_without_wipe(tmp_path: Path) -> None:
    sh("mkfs.ext4", "-q", "-F", "/dev/vdc")
    tree = config({"luks": [{"name": "secret", "device": "/dev/vdc",
                             "keyFile": {"source": key_url(KEY)}}]})  # fmt: skip
    result = Runner(tmp_path).stage("disks", tree, tmp_path)
    assert result.returncode == 1
    assert "not of the correct type (found ext4)" in result.output
    assert probe("/dev/vdc")["TYPE"] == "ext4"
    tree["storage"]["luks"][0]["wipeVolume"] = True
    tree["storage"]["luks"][0]["options"] = FAST_PBKDF
    wiped = Runner(tmp_path).stage("disks", tree, tmp_path)
    assert wiped.returncode == 0, wiped.output
    assert probe("/dev/vdc")["TYPE"] == "crypto_LUKS"


class Tang:
    """tangd on 127.0.0.1:TANG_PORT (socat forks one per connection, as tangd.socket does),
    with fresh keys; `thumbprint` is its signing key's, as clevis expects it."""

    def __init__(self, folder: Path) -> None:
        self.keys = folder / "tang-keys"
        self.keys.mkdir()
        sh(f"{TANGD}-keygen", str(self.keys))
        self.log = folder / "tangd.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{TANG_PORT}"

    def start(self) -> None:
        listen = f"TCP-LISTEN:{TANG_PORT},bind=127.0.0.1,reuseaddr,fork"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                ["socat", listen, f"EXEC:{TANGD} {self.keys}"], stderr=log
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", TANG_PORT), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None

    def thumbprint(self) -> str:
        return sh("tang-show-keys", str(TANG_PORT)).strip()


@pytest.fixture
def tang(tmp_path: Path) -> Iterator[Tang]:
    for tool in (str(TANGD), "socat", "clevis", "tang-show-keys"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            pytest.fail(f"{tool} is missing: tests/run installs tang, clevis-luks and socat")
    server = Tang(tmp_path)
    server.start()
    yield server
    server.stop()


def clevis_unlocks(device: str, name: str) -> bool:
    argv = ["clevis", "luks", "unlock", "-d", device, "-n", name]
    opened = subprocess.run(argv, capture_output=True, timeout=300).returncode == 0
    if opened:
        sh("cryptsetup", "luksClose", name)
    return opened


def test_luks_bound_to_tang_with_clevis(tmp_path: Path, tang: Tang) -> None:
    node = disks_stage(tmp_path, {
        "luks": [{"name": "tanged", "device": "/dev/vdb", "options": FAST_PBKDF,
                  "clevis": {"tang": [{"url": tang.url, "thumbprint": tang.thumbprint()}]}}],
        "filesystems": [{"device": "/dev/mapper/tanged", "format": "ext4", "label": "bound",
                         "path": "/var"}],
    })  # fmt: skip
    dump = sh("cryptsetup", "luksDump", "/dev/vdb")
    tokens = dump.split("Tokens:", 1)[1].split("Digests:", 1)[0]
    assert "clevis" in tokens, dump
    # The generated key was removed from the volume and from the state, as upstream does
    # for a clevis volume whose key Ignition made: clevis's keyslot is the only one left.
    keyslots = dump.split("Keyslots:", 1)[1].split("Tokens:", 1)[0]
    assert len(re.findall(r"^\s+\d+: luks2$", keyslots, re.MULTILINE)) == 1, dump
    assert "tanged" not in (state(tmp_path).get("luksPersistKeyFiles") or {})
    assert "GET /adv" in tang.log.read_text(), "clevis never asked the tang server"
    assert probe("/dev/mapper/tanged")["LABEL"] == "bound"  # reopened through clevis
    assert "clevis luks unlock" in node.output  # the tang server has no advertisement given
    assert header_flags("/dev/vdb") == []  # no discard: luksOpen --persistent set none
    node.write_mounted("var/file", "behind tang\n")
    sh("cryptsetup", "luksClose", "tanged")
    tang.stop()
    assert not clevis_unlocks("/dev/vdb", "tanged"), "unlocked without the tang server"
    tang.start()
    assert clevis_unlocks("/dev/vdb", "tanged")
    sh("clevis", "luks", "unlock", "-d", "/dev/vdb", "-n", "tanged")
    with mounted("/dev/mapper/tanged", readonly=True) as inner:
        assert (inner / "file").read_text() == "behind tang\n"


def test_luks_bound_offline_with_a_tang_advertisement(tmp_path: Path, tang: Tang) -> None:
    """With the server's advertisement in the config, clevis binds without the server and,
    as v2.26.0, the volume is not closed and reopened through clevis (which would need the
    server): ours used to reopen every clevis volume, and failed here."""
    thumbprint = tang.thumbprint()
    with urllib.request.urlopen(f"{tang.url}/adv", timeout=30) as answer:
        advertisement = answer.read().decode()
    tang.stop()
    node = disks_stage(tmp_path, {
        "luks": [{"name": "tanged", "device": "/dev/vdc", "options": FAST_PBKDF,
                  "clevis": {"tang": [{"url": tang.url, "thumbprint": thumbprint,
                                       "advertisement": advertisement}]}}],
    })  # fmt: skip
    assert "clevis luks bind" in node.output and "clevis luks unlock" not in node.output
    assert Path("/dev/mapper/tanged").exists()  # left open by luksOpen, as upstream
    sh("cryptsetup", "luksClose", "tanged")
    tang.start()
    assert clevis_unlocks("/dev/vdc", "tanged")


def test_raid1_with_filesystem(tmp_path: Path) -> None:
    node = disks_stage(tmp_path, {
        "raid": [{"name": "data", "level": "raid1", "devices": ["/dev/vdb", "/dev/vdc"]}],
        "filesystems": [{"device": "/dev/md/data", "format": "ext4", "label": "mirrored",
                         "path": "/srv"}],
    })  # fmt: skip
    assert "mdadm --create data" in node.output
    detail = sh("mdadm", "--detail", "/dev/md/data")
    assert "Raid Level : raid1" in detail and "Raid Devices : 2" in detail
    assert "/dev/vdb" in detail and "/dev/vdc" in detail
    mdstat = Path("/proc/mdstat").read_text()
    assert re.search(r"^md\d+ : active raid1 vd[bc]\[\d\] vd[bc]\[\d\]$", mdstat, re.MULTILINE)
    assert probe("/dev/vdb")["TYPE"] == "linux_raid_member"
    found = probe("/dev/md/data")
    assert found["TYPE"] == "ext4" and found["LABEL"] == "mirrored"
    node.write_mounted("srv/file", "mirrored\n")
    with mounted("/dev/md/data", readonly=True) as inner:
        assert (inner / "file").read_text() == "mirrored\n"


def test_vfat_mounted_by_the_mount_stage(tmp_path: Path) -> None:
    sh("modprobe", "-r", "vfat", check=False)  # loaded by an earlier check, maybe
    assert "vfat" not in registered_filesystems()
    node = disks_stage(tmp_path, {
        "disks": [{"device": "/dev/vda", "wipeTable": True, "partitions": [
            {"number": 1, "label": "esp", "sizeMiB": 32,
             "typeGuid": "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"}]}],
        "filesystems": [{"device": "/dev/disk/by-partlabel/esp", "format": "vfat",
                         "label": "EFI", "path": "/boot/efi", "mountOptions": ["umask=0077"]}],
    })  # fmt: skip
    found = probe("/dev/vda1")
    assert found["TYPE"] == "vfat" and found["LABEL"] == "EFI"
    # the disks stage loaded the module the mount stage needs (module_preload)
    assert "vfat" in registered_filesystems()
    assert "[finished] waiting for the kernel modules of vfat" in node.output
    assert node.stage("mount").returncode == 0
    (node.root / "boot/efi/EFI").mkdir()
    (node.root / "boot/efi/EFI/grub.cfg").write_text("set timeout=1\n")
    assert "dmask=0077" in sh("findmnt", "-no", "OPTIONS", str(node.root / "boot/efi"))
    assert node.stage("umount").returncode == 0
    assert subprocess.run(["findmnt", str(node.root / "boot/efi")]).returncode == 1
    with mounted("/dev/vda1", readonly=True) as esp:
        assert (esp / "EFI/grub.cfg").read_text() == "set timeout=1\n"
