"""Disk planning against a fake host at the system/ probe boundary: the tables, reuse
decisions, LUKS keys and refusals the plan decides before the first write."""

from __future__ import annotations

import base64
import io

import pytest

from ignition_py.disks.actions import CreateRaid, HaveLuksKeys, WaitForDevices
from ignition_py.disks.fs_rules import Decision
from ignition_py.disks.luks_keys import KeyRing
from ignition_py.disks.plan import Action
from ignition_py.errors import IgnitionError
from ignition_py.log import Logger
from ignition_py.plan_tools import MissingStageTools
from ignition_py.system.blockdev import DeviceError

from .fake_host import (
    MIB,
    CheckBeforeWriting,
    CreateFilesystem,
    CreateLuks,
    Device,
    FakeHost,
    GptEntry,
    PartitionDisk,
    Probe,
    RecordLuksKey,
    disk,
    only,
    plan,
)

ESP = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"
LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
LAST = 64 * MIB - 34  # last usable sector of a 64 MiB disk


def partition(
    host: FakeHost, *partitions: dict[str, object], **disk_fields: object
) -> PartitionDisk:
    actions = plan(
        host, {"disks": [{"device": "/dev/vda", "partitions": list(partitions), **disk_fields}]}
    )
    [action] = only(actions, PartitionDisk)
    assert isinstance(action, PartitionDisk)
    return action


def test_new_partitions_get_sectors_numbers_and_type_guids() -> None:
    host = FakeHost({"/dev/vda": disk()})
    action = partition(
        host,
        {"number": 1, "label": "esp", "sizeMiB": 16, "typeGuid": ESP},
        {"number": 0, "label": "root", "sizeMiB": 0},
    )
    assert action.decided is not None and action.decided.write is not None
    entries = {
        e.number: (e.start, e.size, e.type_guid, e.label) for e in action.decided.write.entries
    }
    assert entries == {
        1: (MIB, 16 * MIB, ESP, "esp"),
        2: (17 * MIB, LAST - 17 * MIB + 1, LINUX, "root"),
    }
    assert not action.decided.write.wipe and action.decided.write.touched == ()
    shown = "\n".join(action.details())
    assert "\n" not in action.describe()
    assert f"new 2: start {17 * MIB} size {LAST - 17 * MIB + 1} type {LINUX}" in shown


def test_a_matching_table_is_not_written() -> None:
    host = FakeHost({"/dev/vda": disk(64, GptEntry(1, MIB, 8 * MIB, LINUX, "", "data"))})
    action = partition(host, {"number": 1, "label": "data", "sizeMiB": 8})
    assert action.decided is not None and action.decided.write is None
    assert "already matches, nothing written" in action.describe()


def test_a_mismatch_without_wipe_entry_is_upstreams_error() -> None:
    host = FakeHost({"/dev/vda": disk(64, GptEntry(1, MIB, 8 * MIB, LINUX, "", "data"))})
    with pytest.raises(IgnitionError, match="partition 1 didn't match: label did not match"):
        partition(host, {"number": 1, "label": "other"})


def test_a_busy_partition_is_not_recreated() -> None:
    host = FakeHost({"/dev/vda": disk(64, GptEntry(1, MIB, 8 * MIB, LINUX, "", "data"))})
    host.devices["/dev/vda1"] = Device(usage="/dev/vda1 is mounted at /var")
    with pytest.raises(DeviceError, match="refusing to modify /dev/vda1: /dev/vda1 is mounted"):
        partition(host, {"number": 1, "label": "other", "wipePartitionEntry": True})


def test_wipe_table_touches_every_old_partition_and_zaps() -> None:
    host = FakeHost({"/dev/vda": disk(64, GptEntry(3, MIB, 8 * MIB))})
    action = partition(host, {"number": 1, "sizeMiB": 4}, wipeTable=True)
    assert action.decided is not None and action.decided.write is not None
    assert action.decided.write.wipe and action.decided.write.touched == (3,)
    assert [e.number for e in action.decided.write.entries] == [1]


def test_a_shrink_that_cuts_a_filesystem_is_refused() -> None:
    device = disk(64, GptEntry(1, MIB, 32 * MIB, LINUX, "", "data"))
    device.extents[MIB * 512] = ("ext4", 24 * 1024 * 1024)
    host = FakeHost({"/dev/vda": device})
    with pytest.raises(DeviceError, match=r"refusing to shrink partition 1 .* a ext4 filesystem"):
        partition(host, {"number": 1, "sizeMiB": 16, "resize": True})


def test_a_dos_table_needs_wipe_table() -> None:
    host = FakeHost({"/dev/vda": disk(kind="dos")})
    with pytest.raises(IgnitionError, match="has a dos partition table; only GPT"):
        partition(host, {"number": 1})


def test_a_disk_not_there_yet_is_decided_when_it_appears() -> None:
    actions = plan(FakeHost(), {"disks": [{"device": "/dev/vdb", "partitions": [{"number": 1}]}]})
    [action] = only(actions, PartitionDisk)
    assert action.decided is None
    [wait] = [a for a in actions if isinstance(a, WaitForDevices) and a.purpose == "disks"]
    assert wait.json_paths == ("$.storage.disks.0.device",)
    assert wait.unmet() == "$.storage.disks.0.device: device /dev/vdb does not exist"
    [check] = only(actions, CheckBeforeWriting)
    assert [d.device for d in check.undecided_disks] == ["/dev/vdb"]


def test_plan_asks_the_probe_which_devices_are_missing_never_the_host() -> None:
    """`ignition-py plan` reports what the probe saw: the fake's /dev/vdz is there and its
    /dev/loop0 is not, whatever this machine has (the plan once asked the real host)."""
    tree = {"disks": [{"device": "/dev/vdz"}, {"device": "/dev/loop0"}]}
    actions = plan(FakeHost({"/dev/vdz": disk()}), tree)
    [wait] = [a for a in actions if isinstance(a, WaitForDevices) and a.purpose == "disks"]
    assert wait.unmet() == "$.storage.disks.1.device: device /dev/loop0 does not exist"
    present = plan(FakeHost({"/dev/vdz": disk(), "/dev/loop0": disk()}), tree)
    assert [a.unmet() for a in only(present, WaitForDevices)] == [None]


def test_a_member_that_never_will_be_a_device_is_named_with_the_probes_reason() -> None:
    host = FakeHost(never={"/dev/disk/by-id/x": "is a link to /tmp/x, which does not exist"})
    tree = {"raid": [{"name": "md0", "level": "raid1", "devices": ["/dev/disk/by-id/x"]}]}
    [wait] = [a for a in plan(host, tree) if isinstance(a, WaitForDevices) and a.unmet()]
    assert wait.unmet() == (
        "$.storage.raid.0.devices.0: device /dev/disk/by-id/x is a link to /tmp/x, "
        "which does not exist"
    )


def filesystem(host: FakeHost, **fields: object) -> CreateFilesystem:
    actions = plan(host, {"filesystems": [{"device": "/dev/vdc", "format": "ext4", **fields}]})
    [action] = only(actions, CreateFilesystem)
    assert isinstance(action, CreateFilesystem)
    return action


def test_a_matching_filesystem_is_reused_and_runs_no_mkfs() -> None:
    host = FakeHost({"/dev/vdc": Device(found=Probe(type="ext4", label="data"))})
    action = filesystem(host, label="data")
    assert action.decided is not None
    assert action.decided.decision is Decision.REUSE and action.decided.argv == ()
    assert host.asked == ["blkid /dev/vdc"]  # once, not once per check
    [check] = only(
        plan(host, {"filesystems": [{"device": "/dev/vdc", "format": "ext4", "label": "data"}]}),
        CheckBeforeWriting,
    )
    assert check.written == ()


def test_an_empty_device_gets_the_mkfs_argv_and_is_checked_for_use() -> None:
    host = FakeHost({"/dev/vdc": Device()})
    action = filesystem(host, label="new", uuid="0f2d3c4b-1a2b-4c3d-9e8f-0123456789ab")
    assert action.decided is not None and action.decided.decision is Decision.CREATE
    assert action.decided.argv == (
        "mkfs.ext4", "-F", "-U", "0f2d3c4b-1a2b-4c3d-9e8f-0123456789ab", "-L", "new", "/dev/vdc",
    )  # fmt: skip
    assert (
        "mkfs.ext4 -F -U 0f2d3c4b-1a2b-4c3d-9e8f-0123456789ab -L new /dev/vdc" in action.describe()
    )


def test_another_filesystem_without_wipe_fails_before_any_change() -> None:
    host = FakeHost({"/dev/vdc": Device(found=Probe(type="xfs"))})
    with pytest.raises(
        IgnitionError, match=r"not of the correct type.*\(checked before any change\)"
    ):
        filesystem(host)


def test_a_filesystem_on_a_partition_being_made_is_decided_later() -> None:
    host = FakeHost({"/dev/vda": disk()})
    tree = {
        "disks": [{"device": "/dev/vda", "partitions": [{"number": 1, "label": "root"}]}],
        "filesystems": [{"device": "/dev/vda1", "format": "xfs"}],
    }
    [action] = only(plan(host, tree), CreateFilesystem)
    assert action.decided is None
    assert "decided when its turn comes" in action.describe()
    assert "blkid /dev/vda1" not in host.asked


def have_keys(actions: list[Action]) -> KeyRing:
    """Apply the plan's HaveLuksKeys (no host needed for data URLs and random keys)."""
    [have] = only(actions, HaveLuksKeys)
    have.apply(Logger("test", stream=io.StringIO()))
    assert isinstance(have.ring, KeyRing)
    return have.ring


def test_a_generated_luks_key_is_recorded_and_forgotten_after_clevis() -> None:
    host = FakeHost({"/dev/vdd": Device()})
    actions = plan(
        host, {"luks": [{"name": "data", "device": "/dev/vdd", "clevis": {"tpm2": True}}]}
    )
    [luks] = only(actions, CreateLuks)
    assert luks.key.generated and luks.key.origin() == "random key generated"
    assert luks.luks2 is False
    assert len(have_keys(actions).key("data")) == 8192
    records = only(actions, RecordLuksKey)
    assert [(r.name, r.ring is None) for r in records] == [("data", False), ("data", True)]
    order = [type(a).__name__ for a in actions if isinstance(a, (RecordLuksKey, CreateLuks))]
    assert order == ["RecordLuksKey", "CreateLuks", "RecordLuksKey"]
    [check] = only(actions, CheckBeforeWriting)
    assert check.written == ("/dev/vdd",)  # not LUKS yet: it will be formatted


def test_a_data_url_key_is_had_by_an_action_and_never_shown() -> None:
    key = b"correct horse battery staple"
    source = "data:;base64," + base64.b64encode(key).decode()
    host = FakeHost({"/dev/vdd": Device(luks2=True)})
    actions = plan(
        host, {"luks": [{"name": "data", "device": "/dev/vdd", "keyFile": {"source": source}}]}
    )
    [luks] = only(actions, CreateLuks)
    assert not luks.key.generated and luks.key.origin() == "key from keyFile data URL"
    ring = have_keys(actions)
    assert ring.key("data") == key
    shown = repr(ring) + "".join(a.describe() for a in actions)
    assert key.decode() not in shown and base64.b64encode(key).decode() not in shown
    [check] = only(actions, CheckBeforeWriting)
    assert check.written == ()  # an existing LUKS2 volume is reused, not written
    assert host.asked.count("isLuks /dev/vdd") == 1 and luks.luks2 is True  # asked once


def test_keys_are_had_before_the_first_write_and_planning_fetches_nothing() -> None:
    """A keyFile URL is only recorded by the plan (shown without its query); the action
    that has the keys comes before the first partition table is written."""
    tree = {
        "disks": [{"device": "/dev/vda", "partitions": [{"number": 1}]}],
        "luks": [{"name": "data", "device": "/dev/vdd",
                  "keyFile": {"source": "http://10.0.2.2:9/key?token=s3cret"}}],
    }  # fmt: skip
    actions = plan(FakeHost({"/dev/vda": disk(), "/dev/vdd": Device()}), tree)
    kinds = [type(a).__name__ for a in actions]
    assert kinds.index("HaveLuksKeys") < kinds.index("PartitionDisk")
    [have] = only(actions, HaveLuksKeys)
    assert have.describe() == (
        "getting the LUKS keys (luks data: key from keyFile http://10.0.2.2:9/key?...)"
    )


def test_a_key_that_cannot_be_had_names_the_volume_as_upstream_does() -> None:
    source = "data:;base64," + base64.b64encode(b"k").decode()
    tree = {"luks": [{"name": "data", "device": "/dev/vdd", "keyFile": {
        "source": source, "verification": {"hash": "sha512-" + "0" * 128}}}]}  # fmt: skip
    actions = plan(FakeHost({"/dev/vdd": Device()}), tree)
    with pytest.raises(IgnitionError) as raised:
        have_keys(actions)
    assert str(raised.value).startswith(
        "failed to create luks: failed to create keyfile for luks data ($.storage.luks.0.keyFile): "
    )


def test_raid_members_are_waited_for_and_checked_for_use() -> None:
    host = FakeHost({"/dev/vde": Device(), "/dev/vdf": Device()})
    tree = {"raid": [{"name": "md0", "level": "raid1", "devices": ["/dev/vde", "/dev/vdf"]}]}
    actions = plan(host, tree)
    [raid] = only(actions, CreateRaid)
    assert (
        "mdadm --create md0 --force --run --homehost any --level raid1 --raid-devices 2"
        in raid.describe()
    )
    [check] = only(actions, CheckBeforeWriting)
    assert check.written == ("/dev/vde", "/dev/vdf")


def test_a_missing_tool_names_itself_and_the_json_path_before_anything() -> None:
    host = FakeHost({"/dev/vdc": Device(), "/dev/vdg": Device()}, tools_missing={"mkfs.btrfs"})
    tree = {
        "filesystems": [
            {"device": "/dev/vdc", "format": "ext4"},
            {"device": "/dev/vdg", "format": "btrfs"},
        ]
    }
    with pytest.raises(MissingStageTools) as raised:
        plan(host, tree)
    assert str(raised.value) == (
        "required tools not found in PATH: mkfs.btrfs (for $.storage.filesystems.1.format)"
    )
    assert host.asked == []


def test_clevis_is_a_tool_of_its_volume() -> None:
    host = FakeHost({"/dev/vdd": Device()}, tools_missing={"clevis"})
    with pytest.raises(MissingStageTools, match=r"clevis \(for \$\.storage\.luks\.0\.clevis\)"):
        plan(host, {"luks": [{"name": "d", "device": "/dev/vdd", "clevis": {"tpm2": True}}]})


@pytest.mark.parametrize(
    ("fields", "flags", "generated", "reason"),
    [
        ({"clevis": {"tpm2": True}}, (), False, "config must not specify clevis binding"),
        # only a threshold: upstream's Clevis.IsPresent counts it (ours used not to)
        ({"clevis": {"threshold": 1}}, (), False, "config must not specify clevis binding"),
        ({}, (), True, "config must specify keyfile"),
        (
            {"label": "other"},
            (),
            False,
            'volume label "data" doesn\'t match expected label "other"',
        ),
        (
            {"uuid": "11111111-1A2B-4C3D-9E8F-0123456789AB", "discard": True},
            (),
            False,
            'volume UUID "11111111-1a2b-4c3d-9e8f-0123456789ab" doesn\'t match expected UUID '
            '"11111111-1A2B-4C3D-9E8F-0123456789AB"',
        ),  # upper case in the config: v2.26.0 compares exactly, the UUID comes first
        (
            {"uuid": "11111111-1a2b-4c3d-9e8f-0123456789ab", "discard": True},
            (),
            False,
            "volume allow-discards flag false doesn't match expected value true",
        ),
        (
            {"label": "data"},
            ("allow-discards",),
            False,
            "volume allow-discards flag true doesn't match expected value false",
        ),
        ({"discard": False}, "parsing luks metadata: x", False, "parsing luks metadata: x"),
        # a failing luksDump is the reason, in Go's words (ours used to raise)
        ({"discard": False}, 1, False, "exit status 1"),
        ({"label": "data"}, ("no-read-workqueue",), False, None),
        ({"discard": True}, ("allow-discards", "no-read-workqueue"), False, None),
    ],
)
def test_luks_reuse_follows_upstreams_order(
    fields: dict[str, object],
    flags: tuple[str, ...] | str | int,
    generated: bool,
    reason: str | None,
) -> None:
    """v2.26.0's reuseLuksDevice: clevis, generated key, label, UUID, then the header's
    allow-discards flag against `discard` (ours used to skip the flag)."""
    from ignition_py.config.model import uses_clevis
    from ignition_py.disks.luks_volume import reuse_refusal

    from .fake_host import storage

    found = Probe(type="crypto_LUKS", label="data")
    # as cryptsetup keeps it: lower case, whatever case luksFormat --uuid was given
    uuid = "11111111-1a2b-4c3d-9e8f-0123456789ab"
    host = FakeHost({"/dev/vdd": Device(found=found, luks2=True, luks_uuid=uuid, luks_flags=flags)})
    [volume] = storage({"luks": [{"name": "d", "device": "/dev/vdd", **fields}]})[0].luks
    got = reuse_refusal(volume, "/dev/vdd", generated, uses_clevis(volume), host)
    assert got == reason


@pytest.mark.parametrize(
    ("found", "fields", "message"),
    [
        (
            Device(found=Probe(type="crypto_LUKS", label="data"), luks2=True),
            {"label": "other"},
            'volume wipe was not requested and luks device "/dev/vdd" could not be reused: '
            'volume label "data" doesn\'t match expected label "other"',
        ),
        (
            Device(found=Probe(type="crypto_LUKS"), luks2=True, luks_flags=("allow-discards",)),
            {},
            'volume wipe was not requested and luks device "/dev/vdd" could not be reused: '
            "volume allow-discards flag true doesn't match expected value false",
        ),
        (
            Device(found=Probe(type="crypto_LUKS")),
            {},
            "failed to create luks: /dev/vdd is a luks device but not luks2; "
            "Ignition cannot reuse it",
        ),
        (
            Device(found=Probe(type="ext4")),
            {},
            'volume at "/dev/vdd" is not of the correct type (found ext4) and a volume wipe '
            "was not requested",
        ),
    ],
)
def test_luks_reuse_is_refused_while_planning_before_a_disk_is_written(
    found: Device, fields: dict[str, object], message: str
) -> None:
    """The refusals that need no key used to wait for CreateLuks, after PartitionDisk
    had written /dev/vda; now the plan fails and no action runs."""
    host = FakeHost({"/dev/vda": disk(), "/dev/vdd": found})
    key = {"source": "data:,secret"}
    tree = {
        "disks": [{"device": "/dev/vda", "partitions": [{"label": "p", "sizeMiB": 8}]}],
        "luks": [{"name": "d", "device": "/dev/vdd", "keyFile": key, **fields}],
    }
    with pytest.raises(IgnitionError) as raised:
        plan(host, tree)
    assert str(raised.value) == f"{message} ($.storage.luks.0, checked before any change)"


def test_a_matching_luks2_volume_is_left_to_its_key() -> None:
    host = FakeHost({"/dev/vdd": Device(found=Probe(type="crypto_LUKS"), luks2=True)})
    key = {"source": "data:,secret"}
    actions = plan(host, {"luks": [{"name": "d", "device": "/dev/vdd", "keyFile": key}]})
    [create] = only(actions, CreateLuks)
    assert create.luks2 is True


def test_no_action_of_the_plan_shows_a_key_in_its_repr() -> None:
    """KeySource, HaveLuksKeys and CreateLuks hold the keyFile's data URL (and its
    headers); their reprs used to print the key."""
    host = FakeHost({"/dev/vdd": Device(), "/dev/vde": Device()})
    keyed = {"source": "data:,hunter2-key"}
    fetched = {
        "source": "https://keys.example/k?token=hunter3",
        "httpHeaders": [{"name": "Authorization", "value": "hunter4"}],
    }
    tree = {
        "luks": [
            {"name": "d", "device": "/dev/vdd", "keyFile": keyed},
            {"name": "e", "device": "/dev/vde", "keyFile": fetched},
        ]
    }
    actions = plan(host, tree)
    assert only(actions, CreateLuks) and only(actions, HaveLuksKeys)
    for action in actions:
        assert "hunter" not in repr(action), repr(action)
    assert "keys.example/k?..." in repr(only(actions, CreateLuks)[1])
