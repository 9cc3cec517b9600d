"""Checks that run INSIDE a test guest (tests/vm/test_guest.py boots one guest and runs
this file with pytest there): the guest itself (root, env, cwd, disks in order, the
CD-ROM and udf that the Azure provider reads). LUKS, RAID and vfat are checked through
ignition-py's disks stage (disks_guest_checks.py), not here. Not named test_*.py so
that the host's pytest never collects it; every check asserts in the guest.

The host attaches DISK_ROLES in order as /dev/vda, /dev/vdb, ... and an iso9660 image
labelled ISO_LABEL holding ISO_FILE_NAME as the CD-ROM.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

DISK_ROLES = ("blank", "udf")
UDF_LABEL = "IGNPYUDF"
ISO_LABEL = "IGNPYISO"
ISO_FILE_NAME = "ovf-env.xml"
ISO_FILE_CONTENT = "<Environment>from the CD-ROM</Environment>\n"
EXPECTED_ENV = ("IGNPY_CHECK_VALUE", "a value with 'quotes' and $dollar")
EXPECTED_CWD = "/work/main/tests"


def disk(role: str) -> Path:
    """The device of a role, through the by-id link made from the serial QEMU sets."""
    return Path(f"/dev/disk/by-id/virtio-disk{DISK_ROLES.index(role)}")


def run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"{' '.join(argv)} exited {done.returncode}: {done.stderr}"
    return done.stdout


@pytest.fixture(autouse=True)
def _only_in_a_guest() -> None:
    """These checks format the attached disks: never let them run on a host."""
    if os.environ.get("IGNITION_PY_VM_GUEST") != "1":
        reason = "guest-only checks: run by tests/vm/test_guest.py inside a QEMU guest"
        print(f"skipped: {reason}")
        pytest.skip(reason)


@pytest.fixture
def mountpoint(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "mnt"
    target.mkdir()
    yield target
    subprocess.run(["umount", str(target)], capture_output=True)


def test_runs_as_root_in_the_guest_with_env_and_cwd() -> None:
    assert os.geteuid() == 0
    assert os.environ.get("IGNITION_PY_VM_GUEST") == "1"
    name, value = EXPECTED_ENV
    assert os.environ.get(name) == value
    assert os.getcwd() == EXPECTED_CWD
    assert Path("/proc/1/root").resolve() == Path("/"), "the guest root must not be a chroot"
    virt = subprocess.run(["systemd-detect-virt", "--container"], capture_output=True, text=True)
    assert virt.stdout.strip() == "none", "the guest must not look like a container"


def test_process_substitution_works_as_on_a_booted_system() -> None:
    """clevis's scripts read `<(...)`, which needs /dev/fd (made by systemd, not devtmpfs)."""
    assert run("bash", "-c", "cat <(echo through-dev-fd)") == "through-dev-fd\n"


def test_disks_appear_in_order_with_by_id_links() -> None:
    for index, role in enumerate(DISK_ROLES):
        assert disk(role).resolve() == Path(f"/dev/vd{chr(ord('a') + index)}"), role


def test_iso9660_cdrom_is_sr0_and_reads(mountpoint: Path) -> None:
    assert Path(f"/dev/disk/by-label/{ISO_LABEL}").resolve() == Path("/dev/sr0")
    properties = run("udevadm", "info", "--query=property", "/dev/sr0")
    assert "ID_CDROM=1" in properties.splitlines()
    assert "ID_FS_TYPE=iso9660" in properties.splitlines()
    run("mount", "-t", "iso9660", "-o", "ro", "/dev/sr0", str(mountpoint))
    assert (mountpoint / ISO_FILE_NAME).read_text() == ISO_FILE_CONTENT


def test_udf_mounts_by_label_and_keeps_a_file(mountpoint: Path) -> None:
    link = Path(f"/dev/disk/by-label/{UDF_LABEL}")
    assert link.resolve() == disk("udf").resolve()
    run("mount", "-t", "udf", str(link), str(mountpoint))
    (mountpoint / "CustomData.bin").write_bytes(b"udf works")
    run("umount", str(mountpoint))
    run("mount", "-t", "udf", "-o", "ro", str(link), str(mountpoint))
    assert (mountpoint / "CustomData.bin").read_bytes() == b"udf works"
