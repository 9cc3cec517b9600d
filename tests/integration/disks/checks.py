"""Assertions shared by the disks tests: a case's expected tables, filesystems, files."""

from __future__ import annotations

from testkit.loopdisks import LoopDisk, mounted, partitions, probe, substitute
from testkit.stagerun import Outcome as StageRun

from .cases import Case


def node(placeholder: str, disks: list[LoopDisk]) -> str:
    value = substitute(placeholder, disks)
    assert isinstance(value, str)
    return value


def check_after(
    case: Case, disks: list[LoopDisk], result: StageRun, before: dict[int, str]
) -> None:
    from testkit.loopdisks import fingerprint

    if case.error is not None:
        assert result.returncode == 1, result.output
        assert case.error in result.output, result.output
    else:
        assert result.returncode == 0, result.output
    for index in case.untouched:
        assert fingerprint(disks[index]) == before[index], f"disk {index} was modified"
    for index, expected in case.tables.items():
        found = partitions(disks[index])
        assert sorted(found) == sorted(expected), (found, result.output)
        for number, fields in expected.items():
            for key, value in fields.items():
                assert found[number].get(key) == value, (number, key, found[number])
    for placeholder, fields in case.filesystems.items():
        found_fs = probe(node(placeholder, disks))
        if not fields:
            assert "TYPE" not in found_fs, found_fs
        for key, value in fields.items():
            assert found_fs.get(key) == value, (placeholder, key, found_fs)
    for (placeholder, path), contents in case.files.items():
        with mounted(node(placeholder, disks), readonly=True) as root:
            assert (root / path.lstrip("/")).read_text() == contents
