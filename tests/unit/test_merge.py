"""Merge rules of Ignition configs (upstream config/merge): the scenarios shared with the
differential test (tests/merge_scenarios.py), then one test per rule they do not show."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ignition_py.config.build import render
from ignition_py.config.model import Config
from tests.merge_scenarios import (
    BASE_MERGED,
    BASE_SCENARIOS,
    MERGED,
    USER_MERGE_SCENARIOS,
    merge_base_configs,
    merge_configs,
)

VERSION = {"version": "3.6.0"}


@pytest.mark.parametrize("name", sorted(USER_MERGE_SCENARIOS))
def test_merges_as_upstream(name: str) -> None:
    parent, child = USER_MERGE_SCENARIOS[name]
    assert merge_configs(parent, child) == MERGED[name]


@pytest.mark.parametrize("name", sorted(BASE_SCENARIOS))
def test_base_configs_merge_as_upstream(name: str) -> None:
    bases, platform_bases, user = BASE_SCENARIOS[name]
    assert merge_base_configs(bases, user, platform_bases=platform_bases) == BASE_MERGED[name]


def test_every_scenario_says_what_upstream_makes_of_it() -> None:
    assert set(MERGED) == set(USER_MERGE_SCENARIOS)
    assert set(BASE_MERGED) == set(BASE_SCENARIOS)


def config(**sections: Any) -> dict[str, Any]:
    ignition = {**VERSION, **sections.pop("ignition", {})}
    return {"ignition": ignition, **sections}


def test_empty_configs_merge_to_empty() -> None:
    assert merge_configs({}, {}) == render(Config())


def test_version_comes_from_child() -> None:
    merged = merge_configs({"ignition": {"version": "3.0.0"}}, {"ignition": {"version": "3.6.0"}})
    assert merged == {"ignition": {"version": "3.6.0"}}


def test_version_unset_in_child_is_unset_in_result() -> None:
    # Upstream's version is a plain string: the child's zero value wins.
    merged = merge_configs({"ignition": {"version": "3.6.0"}}, {"ignition": {}})
    assert merged == {"ignition": {"version": ""}}


def test_false_and_zero_in_child_override() -> None:
    parent = config(storage={"disks": [{"device": "/dev/vda", "wipeTable": True}]})
    child = config(storage={"disks": [{"device": "/dev/vda", "wipeTable": False}]})
    assert merge_configs(parent, child) == config(
        storage={"disks": [{"device": "/dev/vda", "wipeTable": False}]}
    )


def test_inputs_are_not_mutated_and_result_shares_nothing() -> None:
    parent = config(storage={"files": [{"path": "/a", "append": [{"source": "data:,1"}]}]})
    child = config(storage={"files": [{"path": "/b", "mode": 420}]})
    parent_before, child_before = copy.deepcopy(parent), copy.deepcopy(child)
    merged = merge_configs(parent, child)
    merged["storage"]["files"][0]["append"].append({"source": "data:,x"})
    merged["storage"]["files"][1]["mode"] = 0
    assert (parent, child) == (parent_before, child_before)


def test_disks_by_device_partitions_by_number_or_label() -> None:
    parent = config(
        storage={
            "disks": [
                {
                    "device": "/dev/vda",
                    "wipeTable": True,
                    "partitions": [
                        {"number": 1, "label": "boot", "sizeMiB": 100},
                        {"label": "data", "sizeMiB": 0},
                        {"number": 0, "label": "zero", "startMiB": 1},
                    ],
                },
                {"device": "/dev/vdb"},
            ]
        }
    )
    child = config(
        storage={
            "disks": [
                {
                    "device": "/dev/vda",
                    "partitions": [
                        {"number": 1, "label": "BOOT"},
                        {"label": "data", "typeGuid": "linux"},
                        {"label": "zero", "sizeMiB": 5},
                        {"number": 3, "label": "data"},
                    ],
                }
            ]
        }
    )
    assert merge_configs(parent, child)["storage"]["disks"] == [
        {
            "device": "/dev/vda",
            "wipeTable": True,
            "partitions": [
                {"number": 1, "label": "BOOT", "sizeMiB": 100},
                {"label": "data", "sizeMiB": 0, "typeGuid": "linux"},
                {"label": "zero", "startMiB": 1, "sizeMiB": 5},
                {"number": 3, "label": "data"},
            ],
        },
        {"device": "/dev/vdb"},
    ]


def test_partitions_without_number_or_label_share_the_empty_key() -> None:
    parent = config(storage={"disks": [{"device": "/d", "partitions": [{"sizeMiB": 1}]}]})
    child = config(storage={"disks": [{"device": "/d", "partitions": [{"startMiB": 2}]}]})
    partitions = merge_configs(parent, child)["storage"]["disks"][0]["partitions"]
    assert partitions == [{"sizeMiB": 1, "startMiB": 2}]


def test_raid_and_luks_by_name_options_appended_strings_deduplicated() -> None:
    parent = config(
        storage={
            "raid": [{"name": "md0", "level": "raid1", "devices": ["/a", "/b"], "options": ["-x"]}],
            "luks": [
                {
                    "name": "root",
                    "device": "/dev/vda2",
                    "options": ["--type"],
                    "openOptions": ["--perf-no_read_workqueue"],
                    "clevis": {"tpm2": True, "tang": [{"url": "http://t1", "thumbprint": "a"}]},
                }
            ],
        }
    )
    child = config(
        storage={
            "raid": [{"name": "md0", "devices": ["/c", "/a"], "options": ["-x"]}],
            "luks": [
                {
                    "name": "root",
                    "options": ["--type"],
                    "openOptions": ["--perf-no_read_workqueue", "--allow-discards"],
                    "clevis": {
                        "tang": [{"url": "http://t1", "thumbprint": "b"}, {"url": "http://t2"}]
                    },
                },
                {"name": "swap", "device": "/dev/vda3"},
            ],
        }
    )
    storage = merge_configs(parent, child)["storage"]
    assert storage["raid"] == [
        {"name": "md0", "level": "raid1", "devices": ["/a", "/b", "/c"], "options": ["-x", "-x"]}
    ]
    assert storage["luks"] == [
        {
            "name": "root",
            "device": "/dev/vda2",
            "options": ["--type", "--type"],
            "openOptions": ["--perf-no_read_workqueue", "--allow-discards"],
            "clevis": {
                "tpm2": True,
                "tang": [{"url": "http://t1", "thumbprint": "b"}, {"url": "http://t2"}],
            },
        },
        {"name": "swap", "device": "/dev/vda3"},
    ]


def test_valueless_header_unknown_to_parent_is_kept() -> None:
    parent = config(ignition={"config": {"replace": {"source": "https://e/c"}}})
    child = config(ignition={"config": {"replace": {"httpHeaders": [{"name": "x"}]}}})
    assert merge_configs(parent, child)["ignition"]["config"] == {
        "replace": {"source": "https://e/c", "httpHeaders": [{"name": "x"}]}
    }


def test_deleting_every_header_drops_the_list() -> None:
    parent = config(
        ignition={"config": {"replace": {"httpHeaders": [{"name": "a", "value": "1"}]}}}
    )
    child = config(ignition={"config": {"replace": {"httpHeaders": [{"name": "a"}]}}})
    assert merge_configs(parent, child)["ignition"]["config"] == {"replace": {}}


def test_merge_entries_and_certificate_authorities_by_source() -> None:
    parent = config(
        ignition={
            "config": {"merge": [{"source": "https://e/1", "verification": {"hash": "sha512-a"}}]},
            "security": {"tls": {"certificateAuthorities": [{"source": "data:,ca1"}]}},
        }
    )
    child = config(
        ignition={
            "config": {
                "merge": [
                    {"source": "https://e/2"},
                    {"source": "https://e/1", "compression": "gzip"},
                ]
            },
            "security": {"tls": {"certificateAuthorities": [{"source": "data:,ca2"}]}},
        }
    )
    assert merge_configs(parent, child)["ignition"] == {
        "version": "3.6.0",
        "config": {
            "merge": [
                {
                    "source": "https://e/1",
                    "verification": {"hash": "sha512-a"},
                    "compression": "gzip",
                },
                {"source": "https://e/2"},
            ]
        },
        "security": {
            "tls": {"certificateAuthorities": [{"source": "data:,ca1"}, {"source": "data:,ca2"}]}
        },
    }


def test_replace_is_merged_field_by_field() -> None:
    parent = config(
        ignition={"config": {"replace": {"source": "https://e/a", "verification": {"hash": "h1"}}}}
    )
    child = config(ignition={"config": {"replace": {"source": "https://e/b"}}})
    assert merge_configs(parent, child)["ignition"]["config"] == {
        "replace": {"source": "https://e/b", "verification": {"hash": "h1"}}
    }


def test_sections_only_in_one_config_are_copied() -> None:
    parent = config(passwd={"users": [{"name": "core"}]})
    child = config(systemd={"units": [{"name": "a.service"}]})
    assert merge_configs(parent, child) == config(
        passwd={"users": [{"name": "core"}]}, systemd={"units": [{"name": "a.service"}]}
    )


def test_duplicate_child_keys_last_one_wins_for_parent_match() -> None:
    # Not a valid config, but upstream's outcome is well defined: the parent item merges
    # with the child's last item of that key, and the child's items are not appended.
    parent = config(storage={"disks": [{"device": "/d", "wipeTable": True}]})
    child = config(storage={"disks": [{"device": "/d", "wipeTable": False}, {"device": "/d"}]})
    assert merge_configs(parent, child)["storage"]["disks"] == [{"device": "/d", "wipeTable": True}]


def test_no_base_configs_gives_the_user_config() -> None:
    user = config(passwd={"users": [{"name": "core", "sshAuthorizedKeys": ["k"]}]})
    assert merge_base_configs([], user) == user
