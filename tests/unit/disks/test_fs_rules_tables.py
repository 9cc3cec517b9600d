"""Formatting over a partition table without wipeFilesystem: refused while the table has
partitions (or cannot be read), as upstream would lose them; an empty table is wiped and
formatted over, as upstream does."""

from __future__ import annotations

import re

import pytest

from ignition_py.config.model import Filesystem
from ignition_py.disks.fs_rules import Decision, FilesystemRuleError, Probe, decide


def _fs(fs_format: str) -> Filesystem:
    return Filesystem(device="/dev/x", format=fs_format)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(2, "gpt partition table of 2 partition(s)"), (None, "gpt partition table and")],
)
def test_a_table_with_partitions_is_not_formatted_over(count: int | None, shown: str) -> None:
    with pytest.raises(FilesystemRuleError, match=re.escape(shown)):
        decide(_fs("ext4"), Probe(partition_table="gpt", partitions=count))


@pytest.mark.parametrize(
    ("fs_format", "decision"), [("ext4", Decision.WIPE_AND_CREATE), ("none", Decision.NOTHING)]
)
def test_an_empty_table_is_formatted_over(fs_format: str, decision: Decision) -> None:
    assert decide(_fs(fs_format), Probe(partition_table="dos", partitions=0)) is decision
