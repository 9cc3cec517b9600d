"""Differential test of config merging against upstream Ignition: v2.26.0 (the reference)
at every spec version it knows, Debian's Go Ignition 2.14 at 3.0.0-3.3.0. Each scenario is
written once and re-versioned (nested `data:` configs too) to every spec from its `since`.

User-config merges: the parent config lists the child as an `ignition.config.merge`
entry with a `data:` URL, which the fetch-offline stage resolves without network and
caches as the merged config.  Base configs: Ignition merges `base.d` and
`base.platform.d/<platform>` under the cached config in every stage but never writes
that result; the kargs stage with a failing `ignition-kargs-helper` prints it as
"Full config:" on stderr.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config import merge
from ignition_py.config.build import build
from ignition_py.config.build import render as tree_of
from ignition_py.config.compose import with_base_configs
from ignition_py.config.model import Config
from ignition_py.log import Logger
from tests.oracles import ORACLES, UPSTREAM, Oracle, oracle_id, require

SPEC = "3.3.0"  # what scenarios are written in; re-versioned per run
KARGS_MARKER = "ignition-py-oracle"

pytestmark = pytest.mark.oracle

Json = dict[str, Any]


def cfg(**sections: Any) -> Json:
    return {"ignition": {"version": SPEC, **sections.pop("ignition", {})}, **sections}


def reversioned(value: Any, version: str) -> Any:
    """``value`` with every config version, nested `data:` configs included, set to ``version``."""
    if isinstance(value, dict):
        return {
            key: version if key == "version" else reversioned(item, version)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(reversioned(item, version) for item in value)
    if isinstance(value, str) and value.startswith("data:,%7B"):
        return data_url(reversioned(json.loads(urllib.parse.unquote(value[6:])), version))
    return value


def runs(scenarios: dict[str, Any]) -> list[Any]:
    """(oracle, version, name) for every scenario at every version from its `since` that
    the oracle knows."""
    return [
        pytest.param(oracle, version, name, id=f"{name}-{version}-{oracle_id(oracle)}")
        for name in sorted(scenarios)
        for oracle in ORACLES
        for version in oracle.specs_from(SINCE.get(name, "3.0.0"))
    ]


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
        child = render(json.loads(urllib.parse.unquote(source[6:])))
        merged = tree_of(merge.merge_configs(build(Config, merged), build(Config, child)))
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
    oracle: Oracle, tmp_path: Path, stage: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    command = [
        str(oracle.agent),
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


def go_merged_user_config(oracle: Oracle, tmp_path: Path, user: Json) -> Json:
    (tmp_path / "user.ign").write_text(json.dumps(user))
    (tmp_path / "system").mkdir()
    env = {
        "IGNITION_CONFIG_FILE": str(tmp_path / "user.ign"),
        "IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "system"),
    }
    run = go_ignition(oracle, tmp_path, "fetch-offline", env)
    assert run.returncode == 0, run.stdout + run.stderr
    cached: Json = json.loads((tmp_path / "cache.json").read_text())
    return cached


def go_full_config_with_bases(
    oracle: Oracle, tmp_path: Path, bases: list[Json], platform_bases: list[Json], user: Json
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
    run = go_ignition(oracle, tmp_path, "kargs", env)
    marker = "Full config:\n"
    assert run.returncode == 1 and marker in run.stderr, run.stdout + run.stderr
    full: Json = json.loads(run.stderr.split(marker, 1)[1])
    return full


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


@pytest.mark.parametrize(("oracle", "version", "name"), runs(USER_MERGE_SCENARIOS))
def test_user_config_merge_matches_go_ignition(
    tmp_path: Path, oracle: Oracle, version: str, name: str
) -> None:
    require(oracle)
    parent, child = reversioned(USER_MERGE_SCENARIOS[name], version)
    user = with_merge_entry(parent, child)
    ours, theirs = normalize(render(user)), normalize(go_merged_user_config(oracle, tmp_path, user))
    dropped = UPSTREAM_DROPS.get((name, version, oracle_id(oracle)))
    if dropped:
        assert ours != theirs, "upstream no longer drops the field: remove UPSTREAM_DROPS entry"
        ours = without_key(ours, dropped[0])
    assert ours == theirs


# Upstream bugs where ignition-py deliberately keeps what the user wrote:
# (scenario, version, oracle) -> (the field upstream's cache loses, why).
UPSTREAM_DROPS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("luks-3.4-fields", "3.4.0", "v2.26.0"): (
        "advertisement",
        "v2.26.0's 3.4.0->3.5.0 translation (translateTang) copies only url and thumbprint, "
        "so a 3.4.0 tang advertisement is lost and the server is needed at provisioning time",
    ),
}


def without_key(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {k: without_key(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [without_key(item, key) for item in value]
    return value


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


@pytest.mark.parametrize(("oracle", "version", "name"), runs(BASE_SCENARIOS))
def test_base_config_merge_matches_go_ignition(
    tmp_path: Path, oracle: Oracle, version: str, name: str
) -> None:
    require(oracle)
    bases, platform_bases, user = reversioned(BASE_SCENARIOS[name], version)
    expected = tree_of(
        merge.merge_base_configs(
            [build(Config, b) for b in bases],
            build(Config, user),
            [build(Config, b) for b in platform_bases],
        )
    )
    assert normalize(expected) == normalize(
        go_full_config_with_bases(oracle, tmp_path, bases, platform_bases, user)
    )


def test_an_invalid_platform_base_config_is_left_out_as_upstream_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require(UPSTREAM)
    bases = [cfg(kernelArguments={"shouldExist": [KARGS_MARKER]})]
    platform_bases = [
        cfg(systemd={"units": [{"name": "good.service", "mask": True}]}),
        cfg(storage={"files": [{"path": "relative"}]}),
    ]
    user = cfg(storage={"files": [{"path": "/etc/x", "mode": 420}]})
    theirs = go_full_config_with_bases(UPSTREAM, tmp_path, bases, platform_bases, user)
    monkeypatch.setenv("IGNITION_SYSTEM_CONFIG_DIR", str(tmp_path / "system"))
    log = Logger("test", stream=io.StringIO())
    ours = tree_of(with_base_configs(build(Config, user), "file", log))
    assert normalize(ours) == normalize(theirs)
    assert "good.service" not in json.dumps(ours)
