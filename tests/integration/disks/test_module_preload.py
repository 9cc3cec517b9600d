"""The disks stage starts loading the kernel modules of the filesystems the mount stage
will mount (those with a path whose type the kernel does not know yet) as it begins, with
the real modprobe, and waits for them before it ends; a load that fails does not fail the
stage (the mount would say why). Types the kernel knows, and filesystems without a path,
load nothing."""

from __future__ import annotations

from pathlib import Path

from ignition_py.system.filesystem_modules import registered_filesystems
from testkit.loopdisks import Before, Runner, loop_disks

START = "starting to load the kernel modules of"


def _disks_stage(tmp_path: Path, filesystems: list[dict[str, object]]) -> str:
    tmp_path.mkdir(exist_ok=True)
    with loop_disks((Before(size_mib=64),), tmp_path) as disks:
        for filesystem in filesystems:
            filesystem["device"] = disks[0].device
        tree = {"ignition": {"version": "3.4.0"}, "storage": {"filesystems": filesystems}}
        result = Runner(tmp_path).stage("disks", tree, tmp_path / "root")
        assert result.returncode == 0, result.output
        return result.output


def test_the_module_of_a_type_the_kernel_lacks_is_loaded_meanwhile(tmp_path: Path) -> None:
    known = registered_filesystems()
    assert "ext4" in known
    output = _disks_stage(tmp_path, [
        {"format": "vfat", "label": "EFI", "path": "/boot/efi", "wipeFilesystem": True},
    ])  # fmt: skip
    if "vfat" in known:
        assert START not in output  # nothing to load: vfat is there already
        print("this kernel has vfat already: only checked that nothing was loaded")
        return
    lines = output.splitlines()
    started = next(i for i, line in enumerate(lines) if f"{START} vfat for the mount stage" in line)
    assert "[started]" in lines[started] and "op(1)" in lines[started]  # first of all
    waited = [
        i
        for i, line in enumerate(lines)
        if "[finished] waiting for the kernel modules of vfat" in line
    ]
    assert waited and waited[0] > started
    assert "mkfs.vfat" in "\n".join(lines[started : waited[0]])  # the disks were done meanwhile
    loaded = "vfat" in registered_filesystems()
    failed = "modprobe -q -- fs-vfat exited" in output
    assert loaded or failed, output  # loaded, or modprobe's failure logged (no modules here)
    print(f"vfat module {'loaded' if loaded else 'not loadable on this host: modprobe failed'}")


def test_known_types_and_filesystems_without_a_path_load_nothing(tmp_path: Path) -> None:
    output = _disks_stage(tmp_path, [
        {"format": "ext4", "label": "data", "path": "/var/lib/data", "wipeFilesystem": True},
    ])  # fmt: skip
    assert START not in output
    output = _disks_stage(tmp_path / "unmounted", [
        {"format": "vfat", "label": "EFI", "wipeFilesystem": True},
    ])  # fmt: skip
    assert START not in output
