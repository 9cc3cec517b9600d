"""A filesystem without wipeFilesystem over a whole disk's partition table: refused while
the table has partitions (upstream formats over them and they are lost); an empty table is
wiped and formatted over, as upstream does."""

from __future__ import annotations

from pathlib import Path

from testkit.loopdisks import Before, Runner, loop_disks, mounted, partitions, probe

CONFIG_VERSION = "3.3.0"


def _format_whole_disk(tmp_path: Path, device: str) -> tuple[int, str]:
    config = {"ignition": {"version": CONFIG_VERSION}, "storage": {"filesystems": [
        {"device": device, "format": "ext4", "label": "whole"}]}}  # fmt: skip
    result = Runner(tmp_path).stage("disks", config, tmp_path / "root")
    return result.returncode, result.output


def test_a_table_with_partitions_is_kept(tmp_path: Path) -> None:
    before = Before(sgdisk=("-n", "1:0:+8M"), mkfs=((1, "ext4", "data"),),
                    files=((1, "/kept.txt", "old data\n"),))  # fmt: skip
    with loop_disks((before,), tmp_path) as disks:
        code, output = _format_whole_disk(tmp_path, disks[0].device)
        assert code == 1, output
        assert "holds a gpt partition table of 1 partition(s)" in output
        assert list(partitions(disks[0])) == [1]
        with mounted(disks[0].node(1), readonly=True) as root:
            assert (root / "kept.txt").read_text() == "old data\n"


def test_an_empty_table_is_formatted_over(tmp_path: Path) -> None:
    with loop_disks((Before(sgdisk=("-o",)),), tmp_path) as disks:
        assert probe(disks[0].device).get("PTTYPE") == "gpt"
        code, output = _format_whole_disk(tmp_path, disks[0].device)
        assert code == 0, output
        found = probe(disks[0].device)
        assert (found.get("TYPE"), found.get("LABEL"), found.get("PTTYPE")) == (
            "ext4",
            "whole",
            None,
        )
