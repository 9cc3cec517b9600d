"""ignition-py's disks stage where it needs device-mapper, md or vfat: every check of
tests/vm/disks_guest_checks.py (LUKS with a key file and with clevis+tang, RAID1, vfat)
runs in one guest boot with three blank disks; each host test reads one check's verdict."""

from __future__ import annotations

import pytest

from tests.vm import disks_guest_checks
from tests.vm.guest import GuestResult, check_names, check_passed, run_in_guest

pytestmark = [pytest.mark.vm, pytest.mark.slow]
GUEST_MODULE = "tests/vm/disks_guest_checks.py"


@pytest.fixture(scope="module")
def disks_run(tmp_path_factory: pytest.TempPathFactory) -> GuestResult:
    folder = tmp_path_factory.mktemp("vm-disks")
    disks = []
    for name in ("a", "b", "c"):
        image = folder / f"{name}.img"
        with open(image, "wb") as handle:
            handle.truncate(128 * 1024 * 1024)
        disks.append(image)
    argv = [".venv/bin/python", "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", GUEST_MODULE]
    result = run_in_guest(argv, disks=disks, timeout=900.0)
    print(result.output[-4000:])
    print(
        f"guest boot {result.boot_seconds:.1f} s; QEMU start to exit {result.elapsed_seconds:.1f} s"
    )
    return result


def test_every_disks_check_ran_in_the_guest(disks_run: GuestResult) -> None:
    assert disks_run.returncode == 0, disks_run.output[-8000:]
    assert f"{len(check_names(disks_guest_checks))} passed" in disks_run.output


@pytest.mark.parametrize("check", check_names(disks_guest_checks))
def test_disks_check(disks_run: GuestResult, check: str) -> None:
    assert check_passed(disks_run, check), f"{check} failed in the guest:\n{disks_run.output}"
