"""Upstream's filesystem reuse rule and mkfs command lines."""

from __future__ import annotations

import pytest

from ignition_py.config.model import Filesystem, Storage
from ignition_py.disks.fs_rules import (
    Decision,
    FilesystemRuleError,
    Probe,
    canonical_uuid,
    decide,
    mkfs_argv,
)
from ignition_py.disks.plan import needed_tools

EXT4 = Probe(type="ext4", uuid="5f6b2c1e-9a7d-4e3b-8c2a-1d0e9f8a7b6c", label="data")


def fs(**fields: object) -> Filesystem:
    return Filesystem(**{"device": "/dev/x", **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("config", "probe", "decision"),
    [
        (fs(format="ext4"), Probe(), Decision.CREATE),
        (fs(format="ext4"), EXT4, Decision.REUSE),
        (fs(format="ext4", label="data"), EXT4, Decision.REUSE),
        (fs(format="ext4", uuid="5F6B2C1E-9A7D-4E3B-8C2A-1D0E9F8A7B6C"), EXT4, Decision.REUSE),
        (fs(format="ext4", label="other", wipe_filesystem=True), EXT4, Decision.WIPE_AND_CREATE),
        (fs(format="vfat", uuid="1234abcd"), Probe("vfat", "1234-ABCD"), Decision.REUSE),
        (fs(format="none"), Probe(), Decision.NOTHING),
        (fs(format="none", wipe_filesystem=True), EXT4, Decision.WIPE_ONLY),
        (fs(), EXT4, Decision.NOTHING),
    ],
)
def test_decisions(config: Filesystem, probe: Probe, decision: Decision) -> None:
    assert decide(config, probe) is decision


@pytest.mark.parametrize(
    ("config", "probe", "message"),
    [
        (fs(format="ext4", label="other"), EXT4, "not of the correct type, label, or UUID"),
        (fs(format="ext4", uuid="00000000-0000-0000-0000-000000000000"), EXT4, "UUID"),
        (fs(format="xfs"), EXT4, "found ext4"),
        (fs(format="none"), EXT4, "wipe was not requested"),
        (fs(format="ext4"), Probe(partition_table="gpt"), "gpt partition table"),
        (fs(format="zfs"), Probe(), "unsupported filesystem format"),
    ],
)
def test_refusals(config: Filesystem, probe: Probe, message: str) -> None:
    with pytest.raises(FilesystemRuleError, match=message):
        decide(config, probe)


def test_vfat_volume_id_without_dash() -> None:
    assert canonical_uuid("vfat", "ABCD-1234") == "abcd1234"
    assert canonical_uuid("ext4", "ABCD-1234") == "abcd-1234"


@pytest.mark.parametrize(
    ("config", "argv"),
    [
        (fs(format="ext4", label="l", uuid="U", options=("-b", "4096")),
         ["mkfs.ext4", "-b", "4096", "-F", "-U", "u", "-L", "l", "/dev/x"]),
        (fs(format="xfs", label="l", uuid="u"),
         ["mkfs.xfs", "-f", "-m", "uuid=u", "-L", "l", "/dev/x"]),
        (fs(format="btrfs", label="l", uuid="u"),
         ["mkfs.btrfs", "--force", "-U", "u", "-L", "l", "/dev/x"]),
        (fs(format="swap", label="l", uuid="u"),
         ["mkswap", "-f", "-U", "u", "-L", "l", "/dev/x"]),
        (fs(format="vfat", label="L", uuid="1234-ABCD"),
         ["mkfs.vfat", "-i", "1234abcd", "-n", "L", "/dev/x"]),
    ],
)  # fmt: skip
def test_mkfs_argv_as_upstream(config: Filesystem, argv: list[str]) -> None:
    assert mkfs_argv(config, "/dev/x") == argv


def test_needed_tools_name_the_first_config_path_needing_each() -> None:
    storage = Storage(filesystems=(fs(format="xfs"), fs(format="none"), fs(format="swap")))
    assert needed_tools(storage) == {
        "mkfs.xfs": "$.storage.filesystems.0.format",
        "blkid": "$.storage.filesystems.0.format",
        "wipefs": "$.storage.filesystems.0.format",
        "mkswap": "$.storage.filesystems.2.format",
    }
    assert needed_tools(Storage()) == {}


def test_refusals_quote_as_go_does() -> None:
    """Upstream's texts quote with Go's %q (double quotes, escapes), not Python's repr."""
    with pytest.raises(FilesystemRuleError) as refused:
        decide(fs(format="ext4", label="other"), EXT4)
    assert str(refused.value) == (
        'filesystem at "/dev/x" is not of the correct type, label, or UUID (found ext4, '
        '"data", 5f6b2c1e-9a7d-4e3b-8c2a-1d0e9f8a7b6c) and a filesystem wipe was not requested'
    )
    with pytest.raises(FilesystemRuleError) as refused:
        decide(fs(format="zfs"), Probe())
    assert str(refused.value) == 'unsupported filesystem format: "zfs"'


def test_partition_mismatches_quote_as_go_does() -> None:
    from ignition_py.config.model import Partition
    from ignition_py.disks.partition_rules import Wanted, mismatch
    from ignition_py.system.gpt import GptEntry

    existing = GptEntry(1, 2048, 4096, guid="AAAA", label='old "one"')
    wanted = Wanted(Partition(number=1, label="new"), 1, None, None)
    expected = 'label did not match (specified "new", got "old \\"one\\"")'
    assert mismatch(existing, wanted) == expected
