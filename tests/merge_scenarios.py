"""Config merges written once: the parent and child of each user-config merge (and the base
configs under a user config), and what upstream Ignition makes of them.

tests/unit/test_merge.py checks ignition_py's merge gives ``MERGED`` / ``BASE_MERGED``;
tests/integration/test_merge_oracle.py runs the same inputs through upstream Ignition
(v2.26.0 and Debian's 2.14), re-versioned to every spec from each scenario's ``SINCE``.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Sequence
from typing import Any

from ignition_py.config import merge
from ignition_py.config.build import build, render
from ignition_py.config.model import Config

Json = dict[str, Any]
SPEC = "3.3.0"  # what scenarios are written in; the differential test re-versions them
KARGS_MARKER = "ignition-py-oracle"


def merge_configs(parent: Json, child: Json) -> Json:
    """ignition_py's merge (on the model) of two config trees, as a tree."""
    return render(merge.merge_configs(build(Config, parent), build(Config, child)))


def merge_base_configs(
    bases: Sequence[Json], user: Json, platform_bases: Sequence[Json] = ()
) -> Json:
    """ignition_py's base configs (then the platform's) under a user config, as a tree."""
    merged = merge.merge_base_configs(
        [build(Config, tree) for tree in bases],
        build(Config, user),
        [build(Config, tree) for tree in platform_bases],
    )
    return render(merged)


def cfg(**sections: Any) -> Json:
    return {"ignition": {"version": SPEC, **sections.pop("ignition", {})}, **sections}


def data_url(config: Json) -> str:
    return "data:," + urllib.parse.quote(json.dumps(config))


def node_source(url: str, headers: list[Json]) -> Json:
    return {"source": url, "httpHeaders": headers}


# scenario -> the first spec that has all its fields (others: 3.0.0)
SINCE: dict[str, str] = {
    "scalar-override-timeouts-proxy": "3.1.0",
    "proxy-no-proxy-deduplicated": "3.1.0",
    "disks-by-device-partitions-by-number": "3.2.0",
    "filesystems-by-device-options-appended": "3.1.0",
    "http-header-deletion-in-file-contents": "3.1.0",
    "luks-by-name-tang-by-url": "3.2.0",
    "luks-key-file-headers": "3.2.0",
    "kernel-arguments-share-key-space": "3.3.0",
    "base-d-then-platform-then-user": "3.3.0",
    "certificate-authorities-by-source": "3.3.0",
    "replace-merged-field-by-field": "3.3.0",
    "luks-3.4-fields": "3.4.0",
    "arn-sources": "3.4.0",
    "luks-cex": "3.5.0",
    "special-mode-bits": "3.6.0",
}
USER_MERGE_SCENARIOS: dict[str, tuple[Json, Json]] = {
    "scalar-override-timeouts-proxy": (
        cfg(ignition={"timeouts": {"httpTotal": 10, "httpResponseHeaders": 5}}),
        cfg(ignition={"timeouts": {"httpTotal": 30}, "proxy": {"httpsProxy": "http://p:3128"}}),
    ),
    "proxy-no-proxy-deduplicated": (
        cfg(
            ignition={
                "proxy": {
                    "httpProxy": "http://p1",
                    "httpsProxy": "http://s1",
                    "noProxy": ["a.example", "b.example"],
                }
            }
        ),
        cfg(ignition={"proxy": {"httpsProxy": "http://s2", "noProxy": ["b.example", "c.example"]}}),
    ),
    "files-by-path": (
        cfg(
            storage={
                "files": [
                    {"path": "/etc/a", "mode": 420, "contents": {"source": "data:,a"}},
                    {"path": "/etc/b", "mode": 384, "user": {"name": "core"}},
                ]
            }
        ),
        cfg(
            storage={
                "files": [
                    {"path": "/etc/c", "mode": 493},
                    {"path": "/etc/a", "overwrite": True, "contents": {"source": "data:,new"}},
                    {"path": "/etc/b", "user": {"name": "root"}, "group": {"id": 10}},
                ]
            }
        ),
    ),
    "node-kinds-share-key-space": (
        cfg(
            storage={
                "files": [{"path": "/x", "mode": 420}, {"path": "/keep"}],
                "directories": [{"path": "/y", "mode": 493}],
                "links": [{"path": "/z", "target": "/t"}],
            }
        ),
        cfg(
            storage={
                "directories": [{"path": "/x"}],
                "links": [{"path": "/y", "target": "/u", "hard": False}],
                "files": [{"path": "/z", "mode": 256}],
            }
        ),
    ),
    "node-replaced-empties-list": (
        cfg(storage={"files": [{"path": "/only", "mode": 420}]}),
        cfg(storage={"directories": [{"path": "/only", "mode": 448}]}),
    ),
    "units-and-dropins-by-name": (
        cfg(
            systemd={
                "units": [
                    {
                        "name": "a.service",
                        "enabled": True,
                        "contents": "[Unit]\n",
                        "dropins": [
                            {"name": "10.conf", "contents": "x"},
                            {"name": "30.conf", "contents": "w"},
                        ],
                    },
                    {"name": "b.service", "mask": True},
                ]
            }
        ),
        cfg(
            systemd={
                "units": [
                    {
                        "name": "a.service",
                        "enabled": False,
                        "dropins": [
                            {"name": "20.conf", "contents": "z"},
                            {"name": "10.conf"},
                            {"name": "30.conf", "contents": "v"},
                        ],
                    },
                    {"name": "c.service", "contents": "[Service]\n"},
                ]
            }
        ),
    ),
    "disks-by-device-partitions-by-number": (
        cfg(
            storage={
                "disks": [
                    {
                        "device": "/dev/vda",
                        "wipeTable": True,
                        "partitions": [
                            {"number": 1, "label": "boot", "sizeMiB": 100},
                            {"number": 2, "label": "root", "startMiB": 200},
                        ],
                    },
                    {"device": "/dev/vdb", "wipeTable": True},
                ]
            }
        ),
        cfg(
            storage={
                "disks": [
                    {
                        "device": "/dev/vda",
                        "wipeTable": False,
                        "partitions": [
                            {"number": 1, "label": "BOOT"},
                            {"number": 3, "label": "var", "resize": True},
                        ],
                    },
                    {"device": "/dev/vdc"},
                ]
            }
        ),
    ),
    "partitions-by-label-when-number-zero": (
        cfg(
            storage={
                "disks": [
                    {
                        "device": "/dev/vda",
                        "partitions": [
                            {"label": "data", "sizeMiB": 0},
                            {"number": 0, "label": "swap", "sizeMiB": 512},
                        ],
                    }
                ]
            }
        ),
        cfg(
            storage={
                "disks": [
                    {
                        "device": "/dev/vda",
                        "partitions": [
                            {
                                "number": 0,
                                "label": "data",
                                "typeGuid": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
                            },
                            {"label": "swap", "shouldExist": True},
                            {"number": 4, "label": "extra"},
                        ],
                    }
                ]
            }
        ),
    ),
    "filesystems-by-device-options-appended": (
        cfg(
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
        ),
        cfg(
            storage={
                "filesystems": [
                    {
                        "device": "/dev/vdb1",
                        "format": "xfs",
                        "path": "/var",
                        "wipeFilesystem": True,
                        "options": ["-E"],
                        "mountOptions": ["noatime", "nodev"],
                    },
                    {"device": "/dev/vdc1", "format": "swap"},
                ]
            }
        ),
    ),
    "file-append-concatenated": (
        cfg(storage={"files": [{"path": "/f", "append": [{"source": "data:,1"}]}]}),
        cfg(
            storage={
                "files": [{"path": "/f", "append": [{"source": "data:,1"}, {"source": "data:,2"}]}]
            }
        ),
    ),
    "http-header-deletion-in-file-contents": (
        cfg(
            storage={
                "files": [
                    {
                        "path": "/f",
                        "contents": node_source(
                            "https://example.com/f",
                            [
                                {"name": "Old", "value": "1"},
                                {"name": "Same", "value": "1"},
                                {"name": "Gone", "value": "1"},
                            ],
                        ),
                    }
                ]
            }
        ),
        cfg(
            storage={
                "files": [
                    {
                        "path": "/f",
                        "contents": node_source(
                            "https://example.com/f",
                            [
                                {"name": "Gone"},
                                {"name": "New", "value": "2"},
                                {"name": "Same", "value": "2"},
                            ],
                        ),
                    }
                ]
            }
        ),
    ),
    "users-groups-by-name-string-lists": (
        cfg(
            passwd={
                "users": [
                    {
                        "name": "core",
                        "sshAuthorizedKeys": ["key-one", "key-two"],
                        "groups": ["wheel"],
                    }
                ],
                "groups": [{"name": "admins", "gid": 1500}],
            }
        ),
        cfg(
            passwd={
                "users": [
                    {
                        "name": "core",
                        "sshAuthorizedKeys": ["key-three", "key-two"],
                        "groups": ["docker", "wheel"],
                        "shell": "/bin/zsh",
                    },
                    {"name": "alice", "uid": 1001},
                ],
                "groups": [{"name": "admins", "system": True}, {"name": "devs"}],
            }
        ),
    ),
    "raid-by-name": (
        cfg(
            storage={
                "raid": [
                    {
                        "name": "md0",
                        "level": "raid1",
                        "devices": ["/dev/vdb", "/dev/vdc"],
                        "options": ["--x"],
                    }
                ]
            }
        ),
        cfg(
            storage={
                "raid": [
                    {
                        "name": "md0",
                        "level": "raid1",
                        "devices": ["/dev/vdd", "/dev/vdb"],
                        "spares": 1,
                        "options": ["--x", "--y"],
                    },
                    {"name": "md1", "level": "raid0", "devices": ["/dev/vde", "/dev/vdf"]},
                ]
            }
        ),
    ),
    "luks-by-name-tang-by-url": (
        cfg(
            storage={
                "luks": [
                    {
                        "name": "data",
                        "device": "/dev/vdb",
                        "options": ["--cipher", "aes"],
                        "clevis": {
                            "tpm2": True,
                            "tang": [{"url": "http://tang1", "thumbprint": "t1"}],
                        },
                    }
                ]
            }
        ),
        cfg(
            storage={
                "luks": [
                    {
                        "name": "data",
                        "device": "/dev/vdb",
                        "label": "secret",
                        "options": ["--cipher"],
                        "clevis": {
                            "threshold": 2,
                            "tang": [
                                {"url": "http://tang2", "thumbprint": "t2"},
                                {"url": "http://tang1", "thumbprint": "t1b"},
                            ],
                        },
                    },
                    {"name": "other", "device": "/dev/vdc", "keyFile": {"source": "data:,k"}},
                ]
            }
        ),
    ),
    "luks-key-file-headers": (
        cfg(
            storage={
                "luks": [
                    {
                        "name": "data",
                        "device": "/dev/vdb",
                        "keyFile": node_source(
                            "https://example.com/key",
                            [{"name": "A", "value": "1"}, {"name": "B", "value": "1"}],
                        ),
                    }
                ]
            }
        ),
        cfg(
            storage={
                "luks": [
                    {
                        "name": "data",
                        "device": "/dev/vdb",
                        "keyFile": node_source(
                            "https://example.com/key2", [{"name": "A"}, {"name": "C", "value": "3"}]
                        ),
                    }
                ]
            }
        ),
    ),
    "kernel-arguments-share-key-space": (
        cfg(kernelArguments={"shouldExist": ["a", "b"], "shouldNotExist": ["c", "d"]}),
        cfg(kernelArguments={"shouldExist": ["c", "b", "e"], "shouldNotExist": ["a"]}),
    ),
    "luks-3.4-fields": (
        cfg(
            storage={
                "luks": [
                    {
                        "name": "data",
                        "device": "/dev/vdb",
                        "discard": False,
                        "openOptions": ["--a", "--b"],
                        "clevis": {
                            "tang": [{"url": "http://t", "thumbprint": "w", "advertisement": "{}"}]
                        },
                    }
                ]
            }
        ),
        cfg(
            storage={
                "luks": [
                    {
                        "name": "data",
                        "device": "/dev/vdb",
                        "discard": True,
                        "openOptions": ["--c", "--a"],
                        "clevis": {
                            "tang": [
                                {"url": "http://t", "thumbprint": "x", "advertisement": "{ }"},
                                {"url": "http://u", "thumbprint": "y", "advertisement": "{}"},
                            ]
                        },
                    }
                ]
            }
        ),
    ),
    "arn-sources": (
        cfg(storage={"files": [{"path": "/f", "contents": {"source": "arn:aws:s3:::b/one"}}]}),
        cfg(
            storage={
                "files": [
                    {
                        "path": "/f",
                        "append": [
                            {"source": "arn:aws:s3:us-east-1:123456789012:accesspoint/a/object/k"}
                        ],
                    }
                ]
            }
        ),
    ),
    "luks-cex": (
        cfg(storage={"luks": [{"name": "d", "device": "/dev/vdb", "cex": {"enabled": True}}]}),
        cfg(
            storage={
                "luks": [
                    {"name": "d", "device": "/dev/vdc", "cex": {"enabled": False}},
                    {"name": "e", "device": "/dev/vdd", "cex": {"enabled": True}},
                ]
            }
        ),
    ),
    "special-mode-bits": (
        cfg(
            storage={
                "files": [{"path": "/s", "mode": 2541}],
                "directories": [{"path": "/t", "mode": 1023}],
            }
        ),
        cfg(storage={"files": [{"path": "/s", "mode": 3565}], "directories": [{"path": "/u"}]}),
    ),
    "merge-entries-by-source": (
        cfg(
            ignition={
                "config": {"merge": [{"source": data_url(cfg(passwd={"users": [{"name": "g"}]}))}]}
            }
        ),
        cfg(
            ignition={
                "config": {"merge": [{"source": data_url(cfg(passwd={"users": [{"name": "g"}]}))}]}
            },
            passwd={"users": [{"name": "g", "uid": 4000}]},
        ),
    ),
}


BASE_SCENARIOS: dict[str, tuple[list[Json], list[Json], Json]] = {
    "base-d-then-platform-then-user": (
        [
            cfg(
                storage={
                    "files": [{"path": "/etc/motd", "mode": 420}, {"path": "/b", "mode": 384}]
                },
                systemd={"units": [{"name": "a.service", "enabled": True}]},
            ),
            cfg(
                storage={"files": [{"path": "/etc/motd", "mode": 384}]},
                passwd={"users": [{"name": "core", "sshAuthorizedKeys": ["base"]}]},
            ),
        ],
        [
            cfg(
                storage={"directories": [{"path": "/b"}]},
                kernelArguments={"shouldExist": ["quiet"]},
            )
        ],
        cfg(
            systemd={"units": [{"name": "a.service", "enabled": False}]},
            passwd={"users": [{"name": "core", "sshAuthorizedKeys": ["user"]}]},
            kernelArguments={"shouldExist": [KARGS_MARKER], "shouldNotExist": ["quiet"]},
        ),
    ),
    "certificate-authorities-by-source": (
        [
            cfg(
                ignition={
                    "security": {
                        "tls": {
                            "certificateAuthorities": [
                                node_source(
                                    "https://example.com/ca1", [{"name": "A", "value": "1"}]
                                ),
                                {"source": "https://example.com/ca2"},
                            ]
                        }
                    }
                }
            ),
            cfg(
                ignition={
                    "security": {
                        "tls": {
                            "certificateAuthorities": [
                                node_source(
                                    "https://example.com/ca1",
                                    [{"name": "A"}, {"name": "B", "value": "2"}],
                                ),
                                {"source": "https://example.com/ca3"},
                            ]
                        }
                    }
                }
            ),
        ],
        [],
        cfg(kernelArguments={"shouldExist": [KARGS_MARKER]}),
    ),
    "replace-merged-field-by-field": (
        [
            cfg(
                ignition={
                    "config": {
                        "replace": {
                            "source": "https://example.com/a",
                            "verification": {"hash": "sha512-" + "0" * 128},
                            "httpHeaders": [
                                {"name": "A", "value": "1"},
                                {"name": "B", "value": "1"},
                            ],
                        }
                    }
                }
            )
        ],
        [
            cfg(
                ignition={
                    "config": {
                        "replace": {
                            "source": "https://example.com/b",
                            "httpHeaders": [{"name": "B"}, {"name": "A", "value": "2"}],
                        }
                    }
                }
            )
        ],
        cfg(kernelArguments={"shouldExist": [KARGS_MARKER]}),
    ),
}


# What upstream makes of each USER_MERGE_SCENARIOS pair (merge_configs(parent, child)).
MERGED: dict[str, Json] = {
    "scalar-override-timeouts-proxy": cfg(
        ignition={
            "timeouts": {"httpTotal": 30, "httpResponseHeaders": 5},
            "proxy": {"httpsProxy": "http://p:3128"},
        }
    ),
    "proxy-no-proxy-deduplicated": cfg(
        ignition={
            "proxy": {
                "httpProxy": "http://p1",
                "httpsProxy": "http://s2",
                "noProxy": ["a.example", "b.example", "c.example"],
            }
        }
    ),
    "files-by-path": cfg(
        storage={
            "files": [
                {
                    "path": "/etc/a",
                    "mode": 420,
                    "contents": {"source": "data:,new"},
                    "overwrite": True,
                },
                {"path": "/etc/b", "mode": 384, "user": {"name": "root"}, "group": {"id": 10}},
                {"path": "/etc/c", "mode": 493},
            ]
        }
    ),
    "node-kinds-share-key-space": cfg(
        storage={
            "files": [{"path": "/keep"}, {"path": "/z", "mode": 256}],
            "directories": [{"path": "/x"}],
            "links": [{"path": "/y", "target": "/u", "hard": False}],
        }
    ),
    "node-replaced-empties-list": cfg(storage={"directories": [{"path": "/only", "mode": 448}]}),
    "units-and-dropins-by-name": cfg(
        systemd={
            "units": [
                {
                    "name": "a.service",
                    "enabled": False,
                    "contents": "[Unit]\n",
                    "dropins": [
                        {"name": "10.conf", "contents": "x"},
                        {"name": "30.conf", "contents": "v"},
                        {"name": "20.conf", "contents": "z"},
                    ],
                },
                {"name": "b.service", "mask": True},
                {"name": "c.service", "contents": "[Service]\n"},
            ]
        }
    ),
    "disks-by-device-partitions-by-number": cfg(
        storage={
            "disks": [
                {
                    "device": "/dev/vda",
                    "wipeTable": False,
                    "partitions": [
                        {"number": 1, "label": "BOOT", "sizeMiB": 100},
                        {"number": 2, "label": "root", "startMiB": 200},
                        {"number": 3, "label": "var", "resize": True},
                    ],
                },
                {"device": "/dev/vdb", "wipeTable": True},
                {"device": "/dev/vdc"},
            ]
        }
    ),
    "partitions-by-label-when-number-zero": cfg(
        storage={
            "disks": [
                {
                    "device": "/dev/vda",
                    "partitions": [
                        {
                            "label": "data",
                            "sizeMiB": 0,
                            "number": 0,
                            "typeGuid": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
                        },
                        {"label": "swap", "sizeMiB": 512, "shouldExist": True},
                        {"number": 4, "label": "extra"},
                    ],
                }
            ]
        }
    ),
    "filesystems-by-device-options-appended": cfg(
        storage={
            "filesystems": [
                {
                    "device": "/dev/vdb1",
                    "format": "xfs",
                    "path": "/var",
                    "options": ["-E", "lazy_itable_init=0", "-E"],
                    "mountOptions": ["noatime", "noatime", "nodev"],
                    "wipeFilesystem": True,
                },
                {"device": "/dev/vdc1", "format": "swap"},
            ]
        }
    ),
    "file-append-concatenated": cfg(
        storage={
            "files": [
                {
                    "path": "/f",
                    "append": [{"source": "data:,1"}, {"source": "data:,1"}, {"source": "data:,2"}],
                }
            ]
        }
    ),
    "http-header-deletion-in-file-contents": cfg(
        storage={
            "files": [
                {
                    "path": "/f",
                    "contents": node_source(
                        "https://example.com/f",
                        [
                            {"name": "Old", "value": "1"},
                            {"name": "Same", "value": "2"},
                            {"name": "New", "value": "2"},
                        ],
                    ),
                }
            ]
        }
    ),
    "users-groups-by-name-string-lists": cfg(
        passwd={
            "users": [
                {
                    "name": "core",
                    "sshAuthorizedKeys": ["key-one", "key-two", "key-three"],
                    "groups": ["wheel", "docker"],
                    "shell": "/bin/zsh",
                },
                {"name": "alice", "uid": 1001},
            ],
            "groups": [{"name": "admins", "gid": 1500, "system": True}, {"name": "devs"}],
        }
    ),
    "raid-by-name": cfg(
        storage={
            "raid": [
                {
                    "name": "md0",
                    "level": "raid1",
                    "devices": ["/dev/vdb", "/dev/vdc", "/dev/vdd"],
                    "options": ["--x", "--x", "--y"],
                    "spares": 1,
                },
                {"name": "md1", "level": "raid0", "devices": ["/dev/vde", "/dev/vdf"]},
            ]
        }
    ),
    "luks-by-name-tang-by-url": cfg(
        storage={
            "luks": [
                {
                    "name": "data",
                    "device": "/dev/vdb",
                    "options": ["--cipher", "aes", "--cipher"],
                    "clevis": {
                        "tpm2": True,
                        "tang": [
                            {"url": "http://tang1", "thumbprint": "t1b"},
                            {"url": "http://tang2", "thumbprint": "t2"},
                        ],
                        "threshold": 2,
                    },
                    "label": "secret",
                },
                {"name": "other", "device": "/dev/vdc", "keyFile": {"source": "data:,k"}},
            ]
        }
    ),
    "luks-key-file-headers": cfg(
        storage={
            "luks": [
                {
                    "name": "data",
                    "device": "/dev/vdb",
                    "keyFile": node_source(
                        "https://example.com/key2",
                        [{"name": "B", "value": "1"}, {"name": "C", "value": "3"}],
                    ),
                }
            ]
        }
    ),
    "kernel-arguments-share-key-space": cfg(
        kernelArguments={"shouldExist": ["b", "c", "e"], "shouldNotExist": ["d", "a"]}
    ),
    "luks-3.4-fields": cfg(
        storage={
            "luks": [
                {
                    "name": "data",
                    "device": "/dev/vdb",
                    "discard": True,
                    "openOptions": ["--a", "--b", "--c"],
                    "clevis": {
                        "tang": [
                            {"url": "http://t", "thumbprint": "x", "advertisement": "{ }"},
                            {"url": "http://u", "thumbprint": "y", "advertisement": "{}"},
                        ]
                    },
                }
            ]
        }
    ),
    "arn-sources": cfg(
        storage={
            "files": [
                {
                    "path": "/f",
                    "contents": {"source": "arn:aws:s3:::b/one"},
                    "append": [
                        {"source": "arn:aws:s3:us-east-1:123456789012:accesspoint/a/object/k"}
                    ],
                }
            ]
        }
    ),
    "luks-cex": cfg(
        storage={
            "luks": [
                {"name": "d", "device": "/dev/vdc", "cex": {"enabled": False}},
                {"name": "e", "device": "/dev/vdd", "cex": {"enabled": True}},
            ]
        }
    ),
    "special-mode-bits": cfg(
        storage={
            "files": [{"path": "/s", "mode": 3565}],
            "directories": [{"path": "/t", "mode": 1023}, {"path": "/u"}],
        }
    ),
    "merge-entries-by-source": cfg(
        ignition={
            "config": {"merge": [{"source": data_url(cfg(passwd={"users": [{"name": "g"}]}))}]}
        },
        passwd={"users": [{"name": "g", "uid": 4000}]},
    ),
}

# What upstream makes of each BASE_SCENARIOS entry: base.d in order, then the platform's,
# then the user config (merge_base_configs).
BASE_MERGED: dict[str, Json] = {
    "base-d-then-platform-then-user": cfg(
        storage={"files": [{"path": "/etc/motd", "mode": 384}], "directories": [{"path": "/b"}]},
        systemd={"units": [{"name": "a.service", "enabled": False}]},
        passwd={"users": [{"name": "core", "sshAuthorizedKeys": ["base", "user"]}]},
        kernelArguments={"shouldExist": [KARGS_MARKER], "shouldNotExist": ["quiet"]},
    ),
    "certificate-authorities-by-source": cfg(
        ignition={
            "security": {
                "tls": {
                    "certificateAuthorities": [
                        node_source("https://example.com/ca1", [{"name": "B", "value": "2"}]),
                        {"source": "https://example.com/ca2"},
                        {"source": "https://example.com/ca3"},
                    ]
                }
            }
        },
        kernelArguments={"shouldExist": [KARGS_MARKER]},
    ),
    "replace-merged-field-by-field": cfg(
        ignition={
            "config": {
                "replace": {
                    "source": "https://example.com/b",
                    "verification": {"hash": "sha512-" + "0" * 128},
                    "httpHeaders": [{"name": "A", "value": "2"}],
                }
            }
        },
        kernelArguments={"shouldExist": [KARGS_MARKER]},
    ),
}
