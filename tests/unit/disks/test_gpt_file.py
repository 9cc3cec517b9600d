"""The GPT writer and reader on an image file: what is written reads back, sgdisk and
sfdisk accept it, and GUIDs, labels and numbers are the ones asked for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ignition_py.disks.gpt_layout import Geometry, GptEntry, Layout
from ignition_py.system import gpt

GUID = "1B4E28BA-2FA1-11D2-883F-B9A761BDE3FB"
EFI = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"


def image(path: Path, mib: int = 16) -> int:
    with open(path, "wb") as handle:
        handle.truncate(mib * 1024 * 1024)
    return os.open(path, os.O_RDWR)


def test_round_trip(tmp_path: Path) -> None:
    fd = image(tmp_path / "d.img")
    try:
        table = gpt.read_table(fd, 512, 32768)
        assert table.kind == "none" and table.entries == {}
        layout = Layout(Geometry.fresh(512, 32768))
        layout.create(GptEntry(3, 0, 0, EFI, GUID, "Ωmega"), None, 2048)
        layout.create(GptEntry(1, 0, 0), None, None)
        gpt.write_table(fd, layout.geometry, layout.entries, "")
        again = gpt.read_table(fd, 512, 32768)
        assert again.kind == "gpt" and again.geometry == layout.geometry
        assert sorted(again.entries) == [1, 3]
        assert again.entries[3] == GptEntry(3, 2048, 2048, EFI, GUID, "Ωmega")
        first = layout.entries[1]
        assert (again.entries[1].start, again.entries[1].size) == (first.start, first.size)
        assert again.entries[1].guid not in ("", GUID)
    finally:
        os.close(fd)


@pytest.mark.runs_programs  # upstream's own tools are the judges of the bytes written
def test_readable_by_sfdisk_and_sgdisk(tmp_path: Path) -> None:
    if shutil.which("sfdisk") is None or shutil.which("sgdisk") is None:
        reason = "sfdisk or sgdisk missing (Debian packages fdisk, gdisk)"
        print(f"skipped: {reason}")
        pytest.skip(reason)
    path = tmp_path / "d.img"
    fd = image(path)
    try:
        layout = Layout(Geometry.fresh(512, 32768))
        layout.create(GptEntry(2, 0, 0, EFI, GUID, "esp"), None, 4096)
        gpt.write_table(fd, layout.geometry, layout.entries, "")
    finally:
        os.close(fd)
    table = json.loads(subprocess.run(["sfdisk", "-J", str(path)], capture_output=True,
                                      text=True, check=True).stdout)["partitiontable"]  # fmt: skip
    assert table["lastlba"] == 32734
    [entry] = table["partitions"]
    assert entry["node"].endswith("2") and entry["uuid"] == GUID and entry["name"] == "esp"
    verify = subprocess.run(["sgdisk", "-v", str(path)], capture_output=True, text=True)
    assert "No problems found" in verify.stdout


def test_corrupt_primary_falls_back_to_backup(tmp_path: Path) -> None:
    fd = image(tmp_path / "d.img")
    try:
        layout = Layout(Geometry.fresh(512, 32768))
        layout.create(GptEntry(1, 0, 0, label="x"), None, 2048)
        gpt.write_table(fd, layout.geometry, layout.entries, "")
        os.pwrite(fd, b"\x00" * 512, 512)
        assert gpt.read_table(fd, 512, 32768).entries[1].label == "x"
        gpt.zap(fd, 512, 32768)
        assert gpt.read_table(fd, 512, 32768).kind == "none"
    finally:
        os.close(fd)


def test_guids_are_stored_as_the_uefi_spec_and_the_uuid_module_store_them() -> None:
    import uuid

    from ignition_py.system.gpt import _guid_bytes, _guid_text, _random_guid

    for _ in range(200):
        value = uuid.uuid4()
        text = str(value).upper()
        for spelling in (text, text.lower(), "{" + text + "}", text.replace("-", ""),
                         "urn:uuid:" + text):  # fmt: skip
            assert _guid_bytes(spelling) == value.bytes_le, spelling
        assert _guid_text(value.bytes_le) == text
        drawn = uuid.UUID(_random_guid())
        assert drawn.version == 4 and drawn.variant == uuid.RFC_4122
    linux = "0FC63DAF-8483-4772-8E79-3D47D8E477E4"
    assert _guid_bytes(linux).hex() == "af3dc60f838472478e793d47d8e477e4"
    with pytest.raises(ValueError, match="badly formed GUID"):
        _guid_bytes("0FC63DAF-8483-4772")
