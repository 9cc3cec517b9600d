"""Merge rules of Ignition configs (upstream config/merge), one test per rule."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from ignition_py.config import merge
from ignition_py.config.build import build, render
from ignition_py.config.model import Config

VERSION = {"version": "3.6.0"}


def config(**sections: Any) -> dict[str, Any]:
    ignition = {**VERSION, **sections.pop("ignition", {})}
    return {"ignition": ignition, **sections}


def merge_configs(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    return render(merge.merge_configs(build(Config, parent), build(Config, child)))


def merge_base_configs(
    bases: Sequence[dict[str, Any]],
    user: dict[str, Any],
    platform_bases: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    def models(trees: Sequence[dict[str, Any]]) -> list[Config]:
        return [build(Config, tree) for tree in trees]

    merged = merge.merge_base_configs(models(bases), build(Config, user), models(platform_bases))
    return render(merged)


def test_empty_configs_merge_to_empty() -> None:
    assert merge_configs({}, {}) == render(Config())


def test_version_comes_from_child() -> None:
    merged = merge_configs({"ignition": {"version": "3.0.0"}}, {"ignition": {"version": "3.6.0"}})
    assert merged == {"ignition": {"version": "3.6.0"}}


def test_version_unset_in_child_is_unset_in_result() -> None:
    # Upstream's version is a plain string: the child's zero value wins.
    merged = merge_configs({"ignition": {"version": "3.6.0"}}, {"ignition": {}})
    assert merged == {"ignition": {"version": ""}}


def test_child_scalar_overrides_and_parent_scalar_survives() -> None:
    parent = config(ignition={"timeouts": {"httpTotal": 10, "httpResponseHeaders": 5}})
    child = config(ignition={"timeouts": {"httpTotal": 30}})
    assert merge_configs(parent, child) == config(
        ignition={"timeouts": {"httpTotal": 30, "httpResponseHeaders": 5}}
    )


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


def test_files_merge_by_path_and_new_paths_append() -> None:
    parent = config(
        storage={
            "files": [
                {"path": "/etc/a", "mode": 420, "contents": {"source": "data:,a"}},
                {"path": "/etc/b", "mode": 384},
            ]
        }
    )
    child = config(
        storage={
            "files": [
                {"path": "/etc/c", "mode": 493},
                {"path": "/etc/a", "contents": {"source": "data:,new"}, "overwrite": True},
            ]
        }
    )
    assert merge_configs(parent, child)["storage"]["files"] == [
        {"path": "/etc/a", "mode": 420, "contents": {"source": "data:,new"}, "overwrite": True},
        {"path": "/etc/b", "mode": 384},
        {"path": "/etc/c", "mode": 493},
    ]


def test_node_kinds_share_one_key_space() -> None:
    parent = config(
        storage={
            "files": [{"path": "/x", "mode": 420}, {"path": "/keep"}],
            "directories": [{"path": "/y", "mode": 493}],
            "links": [{"path": "/z", "target": "/t"}],
        }
    )
    child = config(
        storage={
            "directories": [{"path": "/x"}],
            "links": [{"path": "/y", "target": "/u"}],
            "files": [{"path": "/z", "mode": 256}],
        }
    )
    assert merge_configs(parent, child)["storage"] == {
        "files": [{"path": "/keep"}, {"path": "/z", "mode": 256}],
        "directories": [{"path": "/x"}],
        "links": [{"path": "/y", "target": "/u"}],
    }


def test_node_replaced_by_other_kind_removes_the_now_empty_list() -> None:
    parent = config(storage={"files": [{"path": "/x"}]})
    child = config(storage={"links": [{"path": "/x", "target": "/t"}]})
    assert merge_configs(parent, child)["storage"] == {"links": [{"path": "/x", "target": "/t"}]}


def test_units_and_dropins_merge_by_name() -> None:
    parent = config(
        systemd={
            "units": [
                {
                    "name": "a.service",
                    "enabled": True,
                    "contents": "[Unit]",
                    "dropins": [{"name": "10.conf", "contents": "x"}],
                }
            ]
        }
    )
    child = config(
        systemd={
            "units": [
                {
                    "name": "a.service",
                    "enabled": False,
                    "dropins": [{"name": "10.conf", "contents": "y"}, {"name": "20.conf"}],
                },
                {"name": "b.service", "mask": True},
            ]
        }
    )
    assert merge_configs(parent, child)["systemd"]["units"] == [
        {
            "name": "a.service",
            "enabled": False,
            "contents": "[Unit]",
            "dropins": [{"name": "10.conf", "contents": "y"}, {"name": "20.conf"}],
        },
        {"name": "b.service", "mask": True},
    ]


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


def test_filesystems_by_device_options_appended() -> None:
    parent = config(
        storage={
            "filesystems": [
                {
                    "device": "/dev/vdb1",
                    "format": "ext4",
                    "path": "/var",
                    "options": ["-E", "lazy_itable_init=0"],
                    "mountOptions": ["noatime"],
                }
            ]
        }
    )
    child = config(
        storage={
            "filesystems": [
                {
                    "device": "/dev/vdb1",
                    "format": "xfs",
                    "options": ["-E"],
                    "mountOptions": ["noatime", "nodev"],
                },
                {"device": "/dev/vdc1", "format": "swap"},
            ]
        }
    )
    assert merge_configs(parent, child)["storage"]["filesystems"] == [
        {
            "device": "/dev/vdb1",
            "format": "xfs",
            "path": "/var",
            "options": ["-E", "lazy_itable_init=0", "-E"],
            "mountOptions": ["noatime", "noatime", "nodev"],
        },
        {"device": "/dev/vdc1", "format": "swap"},
    ]


def test_file_append_is_concatenated_even_with_equal_sources() -> None:
    parent = config(storage={"files": [{"path": "/f", "append": [{"source": "data:,1"}]}]})
    child = config(
        storage={
            "files": [{"path": "/f", "append": [{"source": "data:,1"}, {"source": "data:,2"}]}]
        }
    )
    assert merge_configs(parent, child)["storage"]["files"] == [
        {
            "path": "/f",
            "append": [{"source": "data:,1"}, {"source": "data:,1"}, {"source": "data:,2"}],
        }
    ]


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


def test_users_and_groups_by_name_string_lists_deduplicated_in_order() -> None:
    parent = config(
        passwd={
            "users": [{"name": "core", "sshAuthorizedKeys": ["one", "two"], "groups": ["wheel"]}],
            "groups": [{"name": "admins", "gid": 1000}],
        }
    )
    child = config(
        passwd={
            "users": [
                {"name": "core", "sshAuthorizedKeys": ["three", "two"], "groups": ["docker"]},
                {"name": "alice", "uid": 1001},
            ],
            "groups": [{"name": "admins", "system": True}],
        }
    )
    assert merge_configs(parent, child)["passwd"] == {
        "users": [
            {
                "name": "core",
                "sshAuthorizedKeys": ["one", "two", "three"],
                "groups": ["wheel", "docker"],
            },
            {"name": "alice", "uid": 1001},
        ],
        "groups": [{"name": "admins", "gid": 1000, "system": True}],
    }


def test_http_header_without_value_deletes_parents_header() -> None:
    def contents(headers: list[dict[str, str]]) -> dict[str, Any]:
        return config(
            storage={
                "files": [
                    {"path": "/f", "contents": {"source": "https://e/f", "httpHeaders": headers}}
                ]
            }
        )

    parent = contents(
        [
            {"name": "old", "value": "1"},
            {"name": "same", "value": "1"},
            {"name": "gone", "value": "1"},
        ]
    )
    child = contents(
        [{"name": "gone"}, {"name": "new", "value": "2"}, {"name": "same", "value": "2"}]
    )
    merged = merge_configs(parent, child)
    assert merged["storage"]["files"][0]["contents"]["httpHeaders"] == [
        {"name": "old", "value": "1"},
        {"name": "same", "value": "2"},
        {"name": "new", "value": "2"},
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


def test_kernel_arguments_share_one_key_space() -> None:
    parent = config(kernelArguments={"shouldExist": ["a", "b"], "shouldNotExist": ["c"]})
    child = config(kernelArguments={"shouldExist": ["c", "b"], "shouldNotExist": ["a"]})
    assert merge_configs(parent, child)["kernelArguments"] == {
        "shouldExist": ["b", "c"],
        "shouldNotExist": ["a"],
    }


def test_proxy_scalars_override_and_no_proxy_deduplicated() -> None:
    parent = config(ignition={"proxy": {"httpProxy": "http://p1", "noProxy": ["a", "b"]}})
    child = config(ignition={"proxy": {"httpsProxy": "http://p2", "noProxy": ["b", "c"]}})
    assert merge_configs(parent, child)["ignition"]["proxy"] == {
        "httpProxy": "http://p1",
        "httpsProxy": "http://p2",
        "noProxy": ["a", "b", "c"],
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


def test_base_configs_merge_in_order_under_user_config() -> None:
    base_one = config(
        storage={"files": [{"path": "/etc/motd", "mode": 420}]},
        systemd={"units": [{"name": "a.service", "enabled": True}]},
    )
    base_two = config(storage={"files": [{"path": "/etc/motd", "mode": 384}, {"path": "/b"}]})
    platform = config(storage={"directories": [{"path": "/b"}]})
    user = config(systemd={"units": [{"name": "a.service", "enabled": False}]})
    assert merge_base_configs([base_one, base_two], user, platform_bases=[platform]) == config(
        storage={"files": [{"path": "/etc/motd", "mode": 384}], "directories": [{"path": "/b"}]},
        systemd={"units": [{"name": "a.service", "enabled": False}]},
    )


def test_no_base_configs_gives_the_user_config() -> None:
    user = config(passwd={"users": [{"name": "core", "sshAuthorizedKeys": ["k"]}]})
    assert merge_base_configs([], user) == user
