"""The operator notes' matrix, decided from a config and a table in memory."""

from __future__ import annotations

import pytest

from ignition_py.config.model import Disk, Partition
from ignition_py.disks.gpt_layout import Geometry, GptEntry, Layout
from ignition_py.disks.partition_rules import PartitionRuleError, plan_partitions

MIB = 2048
GUID = "1B4E28BA-2FA1-11D2-883F-B9A761BDE3FB"
TYPE = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"


def existing(*entries: GptEntry) -> Layout:
    return Layout(Geometry.fresh(512, 64 * MIB), {e.number: e for e in entries})


DATA = GptEntry(1, MIB, 8 * MIB, TYPE, GUID, "data")


def plan(
    *partitions: Partition, table: Layout | None = None
) -> tuple[dict[int, GptEntry], tuple[int, ...]]:
    result = plan_partitions(Disk("/dev/x", partitions=partitions), table or existing())
    return result.layout.entries, result.deleted


def test_new_partitions_number_zero_last_and_largest_block() -> None:
    entries, _ = plan(
        Partition(number=0, label="rest", size_mib=0),
        Partition(number=1, label="boot", size_mib=8),
    )
    assert entries[1].start == MIB and entries[1].size == 8 * MIB
    assert entries[2].start == 9 * MIB and entries[2].label == "rest"


def test_matching_partition_is_kept_as_is() -> None:
    entries, deleted = plan(Partition(number=1, label="data"), table=existing(DATA))
    assert entries[1] == DATA and deleted == ()


def test_start_zero_resolves_against_the_table_without_it() -> None:
    entries, deleted = plan(Partition(number=1, start_mib=0), table=existing(DATA))
    assert entries[1] == DATA and deleted == ()


def test_mismatch_fails_without_wipe() -> None:
    with pytest.raises(PartitionRuleError, match="size did not match"):
        plan(Partition(number=1, size_mib=16), table=existing(DATA))
    with pytest.raises(PartitionRuleError, match="label did not match"):
        plan(Partition(number=1, label="other"), table=existing(DATA))
    with pytest.raises(PartitionRuleError, match="type GUID did not match"):
        plan(
            Partition(number=1, type_guid="C12A7328-F81F-11D2-BA4B-00A0C93EC93B"),
            table=existing(DATA),
        )


def test_guid_comparison_ignores_case() -> None:
    entries, _ = plan(Partition(number=1, guid=GUID.lower()), table=existing(DATA))
    assert entries[1] == DATA


def test_mismatch_recreated_with_wipe_entry() -> None:
    entries, deleted = plan(
        Partition(number=1, size_mib=16, wipe_partition_entry=True), table=existing(DATA)
    )
    assert deleted == (1,)
    assert entries[1].size == 16 * MIB and entries[1].guid == ""  # a new random GUID


def test_resize_keeps_start_guid_type_label() -> None:
    entries, deleted = plan(Partition(number=1, size_mib=16, resize=True), table=existing(DATA))
    assert deleted == (1,)
    assert (entries[1].start, entries[1].size) == (MIB, 16 * MIB)
    assert (entries[1].guid, entries[1].label, entries[1].type_guid) == (GUID, "data", TYPE)


def test_resize_does_not_cover_other_mismatches() -> None:
    with pytest.raises(PartitionRuleError, match="label"):
        plan(Partition(number=1, label="x", size_mib=16, resize=True), table=existing(DATA))


def test_should_not_exist() -> None:
    with pytest.raises(PartitionRuleError, match="specified as nonexistent"):
        plan(Partition(number=1, should_exist=False), table=existing(DATA))
    entries, deleted = plan(
        Partition(number=1, should_exist=False, wipe_partition_entry=True), table=existing(DATA)
    )
    assert entries == {} and deleted == (1,)
    entries, deleted = plan(Partition(number=3, should_exist=False), table=existing(DATA))
    assert entries == {1: DATA} and deleted == ()


def test_overlap_fails() -> None:
    with pytest.raises(PartitionRuleError, match="not free"):
        plan(Partition(number=2, start_mib=4, size_mib=4), table=existing(DATA))


def test_omitted_start_of_wiped_entry_goes_to_largest_block() -> None:
    small = GptEntry(1, 40 * MIB, 2 * MIB, TYPE, GUID, "data")
    entries, _ = plan(
        Partition(number=1, size_mib=4, wipe_partition_entry=True), table=existing(small)
    )
    assert entries[1].start == MIB
