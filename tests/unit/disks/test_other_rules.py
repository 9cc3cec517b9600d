"""mdadm and cryptsetup command lines, clevis configs, mount order, data URLs."""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from ignition_py.config.model import (
    Clevis,
    ClevisCustom,
    Config,
    Filesystem,
    Luks,
    Raid,
    Resource,
    Storage,
    Tang,
    Verification,
    uses_clevis,
)
from ignition_py.disks import luks_rules, mount_rules, raid_rules
from ignition_py.resources.contents import read_contents
from ignition_py.resources.dataurl import decode_data_url, encode_data_url
from ignition_py.resources.errors import FetchError


def test_mdadm_argv() -> None:
    raid = Raid(
        "data", "raid1", ("/dev/a", "/dev/b", "/dev/c"), spares=1, options=("--metadata=1.2",)
    )
    assert raid_rules.create_argv(raid, ["/dev/a", "/dev/b", "/dev/c"]) == [
        "mdadm", "--create", "data", "--force", "--run", "--homehost", "any", "--level",
        "raid1", "--raid-devices", "2", "--spare-devices", "1", "--metadata=1.2",
        "/dev/a", "/dev/b", "/dev/c",
    ]  # fmt: skip


def test_cryptsetup_argv() -> None:
    luks = Luks("root", "/dev/x", label="l", uuid="u", options=("--cipher", "aes-xts-plain64"),
                discard=True, open_options=("--perf-no_read_workqueue",))  # fmt: skip
    assert luks_rules.format_argv(luks, "/k", "/dev/x") == [
        "cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--key-file", "/k",
        "--label", "l", "--uuid", "u", "--cipher", "aes-xts-plain64", "/dev/x",
    ]  # fmt: skip
    # as v2.26.0's luksOpenArgs: --persistent keeps the flag and options in the header
    assert luks_rules.open_argv(luks, "/dev/x", "/k") == [
        "cryptsetup", "luksOpen", "/dev/x", "root", "--key-file", "/k", "--persistent",
        "--allow-discards", "--perf-no_read_workqueue",
    ]  # fmt: skip
    assert luks_rules.open_argv(Luks("plain", "/dev/y"), "/dev/y", "/k") == [
        "cryptsetup", "luksOpen", "/dev/y", "plain", "--key-file", "/k", "--persistent",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("clevis", "reopens"),
    [
        (Clevis(tang=(Tang("http://t", "thp"),)), True),
        (Clevis(tang=(Tang("http://t", "thp", advertisement="{}"),)), False),
        (Clevis(tang=(Tang("http://t", "thp", advertisement="{}"),), tpm2=True), True),
        (Clevis(tang=(Tang("http://a"), Tang("http://b", advertisement="{}")), threshold=2), False),
        (Clevis(tang=(Tang("http://a"), Tang("http://b")), threshold=2), True),
        (Clevis(tpm2=True), True),
        (Clevis(custom=ClevisCustom("tpm2", "{}")), False),
    ],
)
def test_clevis_volume_is_reopened_only_when_clevis_can_unlock_it_unaided(
    clevis: Clevis, reopens: bool
) -> None:
    """v2.26.0 closes and reopens through clevis only when the tang servers without an
    advertisement plus tpm2 meet the threshold (a server given offline may be down)."""
    assert luks_rules.reopens_after_bind(Luks("c", "/dev/x", clevis=clevis)) is reopens


def test_clevis_configs() -> None:
    tang = Luks(
        "t", "/dev/x", clevis=Clevis(tang=(Tang("http://t", "thp"),), tpm2=True, threshold=2)
    )
    pin, config = luks_rules.clevis_pin_and_config(tang)
    assert pin == "sss"
    assert json.loads(config) == {
        "t": 2,
        "pins": {"tang": [{"url": "http://t", "thp": "thp"}], "tpm2": {}},
    }
    # an explicit 0 is passed on as v2.26.0 does (clevis judges it); ours used to make it 1
    zero = Luks("z", "/dev/x", clevis=Clevis(tpm2=True, threshold=0))
    assert json.loads(luks_rules.clevis_pin_and_config(zero)[1])["t"] == 0
    custom = Luks("c", "/dev/x", clevis=Clevis(custom=ClevisCustom("tpm2", '{"pcr_ids":"7"}')))
    assert luks_rules.clevis_pin_and_config(custom) == ("tpm2", '{"pcr_ids":"7"}')
    assert not uses_clevis(Luks("n", "/dev/x"))
    with pytest.raises(luks_rules.LuksRuleError, match="no device"):
        luks_rules.check_supported(Luks("n"))


def test_mount_order_shallowest_first_and_back() -> None:
    config = Config(storage=Storage(filesystems=(
        Filesystem("/dev/a", format="ext4", path="/var/lib/data"),
        Filesystem("/dev/b", format="ext4", path="/var"),
        Filesystem("/dev/c", format="swap", path="/swap"),
        Filesystem("/dev/d", format="xfs"),
        Filesystem("/dev/e", format="none", path="/none"),
    )))  # fmt: skip
    assert [fs.device for fs in mount_rules.mountable(config)] == ["/dev/b", "/dev/a"]
    assert [fs.device for fs in mount_rules.unmount_order(config)] == ["/dev/a", "/dev/b"]
    assert mount_rules.target_path("/sysroot", "/var/lib/") == "/sysroot/var/lib"
    fs = Filesystem("/dev/a", format="ext4", path="/var", mount_options=("ro", "noatime"))
    assert mount_rules.mount_argv(fs, "/r/var") == [
        "mount",
        "-o",
        "ro,noatime",
        "-t",
        "ext4",
        "/dev/a",
        "/r/var",
    ]


def test_data_urls_and_inline_key_files() -> None:
    assert decode_data_url("data:,hello%20world") == b"hello world"
    assert decode_data_url("data:text/plain;base64,aGk=") == b"hi"
    assert decode_data_url(encode_data_url(b"\xff\x00")) == b"\xff\x00"
    packed = gzip.compress(b"key")
    source = encode_data_url(packed)
    digest = "sha512-" + hashlib.sha512(b"key").hexdigest()
    resource = Resource(source=source, compression="gzip", verification=Verification(digest))
    assert read_contents(resource, None).read() == b"key"
    bad = Resource(source=source, compression="gzip", verification=Verification("sha512-00"))
    with pytest.raises(FetchError, match="hash verification failed"):
        read_contents(bad, None).read()
    with pytest.raises(FetchError, match="unsupported source scheme 'http'"):
        read_contents(Resource(source="http://x/key"), None)


def test_tang_advertisement_urls_as_upstream_joins_them() -> None:
    """Only servers without an advertisement in the config; Go's path.Join(path, "adv")."""
    from ignition_py.disks.tang_adv import advertisement_urls

    servers = (
        Tang("http://a:7500"),
        Tang("http://b/tang/", "thp"),
        Tang("https://c/x/../y?k=v"),
        Tang("http://given", advertisement='{"payload":""}'),
    )
    assert advertisement_urls(Luks("t", "/dev/x", clevis=Clevis(tang=servers))) == [
        "http://a:7500/adv",
        "http://b/tang/adv",
        "https://c/y/adv?k=v",
    ]
    assert advertisement_urls(Luks("p", "/dev/x", clevis=Clevis(tpm2=True))) == []


@pytest.mark.parametrize(
    ("dump", "flags"),
    [
        ('{"config": {"flags": null}}', ()),  # Go decodes null as no flags (ours raised)
        ('{"config": null}', ()),
        ("{}", ()),
        ('{"config": {"flags": ["allow-discards"]}}', ("allow-discards",)),
    ],
)
def test_luks_dump_flags_decode_as_go_does(dump: str, flags: tuple[str, ...]) -> None:
    from ignition_py.system.luks import parse_luks_flags

    assert parse_luks_flags(dump) == flags


def test_luks_dump_flags_not_a_list_is_a_parse_error() -> None:
    from ignition_py.system.luks import parse_luks_flags

    with pytest.raises(ValueError, match="parsing luks metadata"):
        parse_luks_flags('{"config": {"flags": "allow-discards"}}')
