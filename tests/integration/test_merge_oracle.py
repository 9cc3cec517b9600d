"""Differential test of config merging against the real Go Ignition 2.14 (Debian).

User-config merges: the parent config lists the child as an `ignition.config.merge`
entry with a `data:` URL, which the fetch-offline stage resolves without network and
caches as the merged config.  Base configs: Ignition merges `base.d` and
`base.platform.d/<platform>` under the cached config in every stage but never writes
that result; the kargs stage with a failing `ignition-kargs-helper` prints it as
"Full config:" on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config.merge import merge_base_configs, merge_configs

GO_IGNITION = Path("/usr/lib/dracut/modules.d/30ignition/ignition")
SPEC = "3.3.0"  # newest stable spec that Ignition 2.14 accepts
KARGS_MARKER = "ignition-py-oracle"

if not GO_IGNITION.exists():
    print(f"skipping merge oracle: {GO_IGNITION} is absent (Debian package 'ignition')")
pytestmark = [
    pytest.mark.oracle,
    pytest.mark.skipif(
        not GO_IGNITION.exists(), reason=f"{GO_IGNITION} is absent (Debian package 'ignition')"
    ),
]

Json = dict[str, Any]


def cfg(**sections: Any) -> Json:
    return {"ignition": {"version": SPEC, **sections.pop("ignition", {})}, **sections}


def data_url(config: Json) -> str:
    return "data:," + urllib.parse.quote(json.dumps(config))


def with_merge_entry(parent: Json, child: Json) -> Json:
    ignition = dict(parent["ignition"])
    config = dict(ignition.get("config", {}))
    config["merge"] = [*config.get("merge", []), {"source": data_url(child)}]
    ignition["config"] = config
    return {**parent, "ignition": ignition}


def render(config: Json) -> Json:
    """Resolve `data:` merge entries depth first, as upstream's RenderConfig does."""
    merged = config
    for entry in config["ignition"].get("config", {}).get("merge", []):
        source = entry["source"]
        assert source.startswith("data:,")
        merged = merge_configs(merged, render(json.loads(urllib.parse.unquote(source[6:]))))
    return merged


def normalize(value: Any) -> Any:
    """Drop what Go emits for unset fields (nulls, empty objects and lists) and the version.

    A partition `number` of 0 goes too: Go keeps it as a plain int with omitempty, so it
    cannot tell an explicit 0 from an absent number.
    """
    if isinstance(value, dict):
        normalized = {key: normalize(item) for key, item in value.items() if key != "version"}
        return {
            key: item
            for key, item in normalized.items()
            if item not in (None, {}, []) and not (key == "number" and item == 0)
        }
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


def go_ignition(
    tmp_path: Path, stage: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = [
        str(GO_IGNITION),
        "-platform",
        "file",
        "-stage",
        stage,
        "-config-cache",
        str(tmp_path / "cache.json"),
        "-neednet",
        str(tmp_path / "neednet"),
        "-state-file",
        str(tmp_path / "state"),
        "-log-to-stdout",
    ]
    return subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def go_merged_user_config(tmp_path: Path, user: Json) -> Json:
    (tmp_path / "user.ign").write_text(json.dumps(user))
    (tmp_path / "system").mkdir()
    env = {
        "IGNITION_CONFIG_FILE": str(tmp_path / "user.ign"),
        "IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "system"),
    }
    run = go_ignition(tmp_path, "fetch-offline", env)
    assert run.returncode == 0, run.stdout + run.stderr
    cached: Json = json.loads((tmp_path / "cache.json").read_text())
    return cached


def go_full_config_with_bases(
    tmp_path: Path, bases: list[Json], platform_bases: list[Json], user: Json
) -> Json:
    system = tmp_path / "system"
    for directory, fragments in (
        (system / "base.d", bases),
        (system / "base.platform.d" / "file", platform_bases),
    ):
        directory.mkdir(parents=True)
        for number, fragment in enumerate(fragments):
            (directory / f"{number:02d}.ign").write_text(json.dumps(fragment))
    (tmp_path / "cache.json").write_text(json.dumps(user))
    helper_dir = tmp_path / "bin"
    helper_dir.mkdir()
    helper = helper_dir / "ignition-kargs-helper"
    helper.write_text("#!/bin/sh\nexit 1\n")
    helper.chmod(0o755)
    env = {
        "IGNITION_SYSTEM_CONFIG_DIR": str(system),
        "PATH": f"{helper_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
    }
    run = go_ignition(tmp_path, "kargs", env)
    marker = "Full config:\n"
    assert run.returncode == 1 and marker in run.stderr, run.stdout + run.stderr
    full: Json = json.loads(run.stderr.split(marker, 1)[1])
    return full


def node_source(url: str, headers: list[Json]) -> Json:
    return {"source": url, "httpHeaders": headers}


USER_MERGE_SCENARIOS: dict[str, tuple[Json, Json]] = {
    "scalar-override-timeouts-proxy": (
        cfg(ignition={"timeouts": {"httpTotal": 10, "httpResponseHeaders": 5}}),
        cfg(ignition={"timeouts": {"httpTotal": 30}, "proxy": {"httpsProxy": "http://p:3128"}}),
    ),
    "proxy-no-proxy-deduplicated": (
        cfg(ignition={"proxy": {"httpProxy": "http://p1", "noProxy": ["a.example", "b.example"]}}),
        cfg(ignition={"proxy": {"httpProxy": "http://p2", "noProxy": ["b.example", "c.example"]}}),
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
                        "dropins": [{"name": "10.conf", "contents": "x"}],
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
                        "dropins": [{"name": "20.conf", "contents": "z"}, {"name": "10.conf"}],
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


@pytest.mark.parametrize("name", sorted(USER_MERGE_SCENARIOS))
def test_user_config_merge_matches_go_ignition(tmp_path: Path, name: str) -> None:
    parent, child = USER_MERGE_SCENARIOS[name]
    user = with_merge_entry(parent, child)
    assert normalize(render(user)) == normalize(go_merged_user_config(tmp_path, user))


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


@pytest.mark.parametrize("name", sorted(BASE_SCENARIOS))
def test_base_config_merge_matches_go_ignition(tmp_path: Path, name: str) -> None:
    bases, platform_bases, user = BASE_SCENARIOS[name]
    expected = merge_base_configs(bases, user, platform_bases=platform_bases)
    assert normalize(expected) == normalize(
        go_full_config_with_bases(tmp_path, bases, platform_bases, user)
    )
