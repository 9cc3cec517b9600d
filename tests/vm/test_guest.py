"""The guest tier itself: one boot runs tests/vm/guest_checks.py inside a guest with every
kind of attached device, and each host test below reads the verdict of one check; a second
short boot checks the API's exit code, output, env and cwd handling."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.vm import guest_checks
from tests.vm.artifacts import guest_images
from tests.vm.guest import (
    GuestError,
    GuestResult,
    check_names,
    check_passed,
    guest_unavailable_reason,
    run_in_guest,
)
from tests.vm.initramfs import BOOT_MODULES, ON_DEMAND_MODULES

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
DISK_MIB = {"blank": 16, "udf": 16}


def _sh(*argv: str) -> None:
    subprocess.run(argv, check=True, capture_output=True)


def _make_disk(path: Path, role: str) -> Path:
    with path.open("wb") as image:
        image.truncate(DISK_MIB[role] * 1024 * 1024)
    if role == "udf":
        _sh("mkudffs", "--media-type=hd", f"--label={guest_checks.UDF_LABEL}", str(path))
    return path


def _make_iso(folder: Path) -> Path:
    content = folder / "iso-content"
    content.mkdir()
    (content / guest_checks.ISO_FILE_NAME).write_text(guest_checks.ISO_FILE_CONTENT)
    iso = folder / "cd.iso"
    _sh(
        "xorriso",
        "-as",
        "mkisofs",
        "-quiet",
        "-V",
        guest_checks.ISO_LABEL,
        "-o",
        str(iso),
        str(content),
    )
    return iso


@pytest.fixture(scope="module")
def checks_run(tmp_path_factory: pytest.TempPathFactory) -> GuestResult:
    folder = tmp_path_factory.mktemp("vm-checks")
    disks = [_make_disk(folder / f"{role}.img", role) for role in guest_checks.DISK_ROLES]
    name, value = guest_checks.EXPECTED_ENV
    result = run_in_guest(
        [
            str(PYTHON),
            "-m",
            "pytest",
            "-q",
            "-rA",
            "-p",
            "no:cacheprovider",
            str(Path(guest_checks.__file__)),
        ],
        disks=disks,
        cdrom=_make_iso(folder),
        timeout=600.0,
        env={name: value},
        cwd=guest_checks.EXPECTED_CWD,
    )
    print(
        f"guest boot to command: {result.boot_seconds:.1f} s, "
        f"QEMU start to exit: {result.elapsed_seconds:.1f} s"
    )
    return result


@pytest.mark.vm
def test_every_guest_check_ran_and_passed(checks_run: GuestResult) -> None:
    assert checks_run.returncode == 0, checks_run.output
    assert f"{len(check_names(guest_checks))} passed" in checks_run.output, checks_run.output


@pytest.mark.vm
@pytest.mark.parametrize("check", check_names(guest_checks))
def test_guest_check(checks_run: GuestResult, check: str) -> None:
    assert check_passed(checks_run, check), (
        f"{check} did not pass in the guest:\n{checks_run.output}"
    )


@pytest.mark.vm
def test_exit_code_output_env_and_cwd_reach_the_host() -> None:
    script = 'echo "out $PWD"; echo "err $IGNPY_QUOTED" >&2; exit 7'
    quoted = 'it\'s "quoted" $HOME `x`'
    result = run_in_guest(
        ["sh", "-c", script], env={"IGNPY_QUOTED": quoted}, cwd="/etc", timeout=300.0
    )
    assert result.returncode == 7
    assert result.output == f"out /etc\nerr {quoted}\n"
    assert "ignition-py-vm: command exited with 7" in result.console
    assert 0 < result.boot_seconds < result.elapsed_seconds


@pytest.mark.vm
def test_timeout_kills_the_guest_and_says_so() -> None:
    name = f"ignpy-timeout-{uuid.uuid4().hex}"
    started = time.monotonic()
    with pytest.raises(GuestError, match=r"did not finish within 2 s"):
        run_in_guest(["sleep", "600"], timeout=2.0, extra_qemu_args=["-name", name])
    assert time.monotonic() - started < 60
    running = subprocess.run(["pgrep", "-f", name], capture_output=True, text=True)
    assert running.stdout == "", "the guest's QEMU outlived its timeout"


@pytest.mark.vm
def test_a_guest_that_dies_raises_with_its_console() -> None:
    no_init = ["-append", "console=ttyS0,115200 panic=-1 rdinit=/no-such-init"]
    with pytest.raises(GuestError, match="reported no exit code") as raised:
        run_in_guest(["true"], timeout=120.0, extra_qemu_args=no_init)
    assert "Kernel panic" in raised.value.console


@pytest.mark.vm
def test_initramfs_holds_init_busybox_and_every_module() -> None:
    images = guest_images()
    listing = subprocess.run(
        ["cpio", "-t", "--quiet"],
        stdin=images.initramfs.open("rb"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert {"init", "vm/init", "vm/busybox", "etc/ignition-py-vm/modules"} <= set(listing)
    module_files = {Path(name).name.replace("-", "_") for name in listing if name.endswith(".ko")}
    for module in BOOT_MODULES + ON_DEMAND_MODULES:
        assert f"{module.replace('-', '_')}.ko" in module_files, module
    assert images.kernel.boot_image.read_bytes()[:4] == b"\x7fELF", "expected the PVH vmlinux"


def test_missing_disk_image_is_refused_before_booting(tmp_path: Path) -> None:
    if guest_unavailable_reason() is not None:
        pytest.skip(f"QEMU guest tier unavailable: {guest_unavailable_reason()}")
    with pytest.raises(FileNotFoundError, match=r"no-such\.img"):
        run_in_guest(["true"], disks=[tmp_path / "no-such.img"])


def test_unavailable_reason_names_a_missing_qemu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    assert shutil.which("qemu-system-x86_64") is None
    reason = guest_unavailable_reason()
    assert reason is not None and "qemu-system-x86_64" in reason
