"""Valid configs of every spec render to newest-spec JSON that parses back to the same model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config.build import render
from ignition_py.config.model import Config
from ignition_py.config.parse import Parsed, parse_config
from ignition_py.config.semantics import messages
from ignition_py.config.versions import KNOWN_VERSIONS, V3_1, V3_2, V3_3, V3_4, V3_5, V3_6, Version

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SHA512 = "sha512-" + "0123456789abcdef" * 8
SHA256 = "sha256-" + "0123456789abcdef" * 4
UNIT = (
    "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
)


def _resource(version: Version, source: str, *, config: bool = False) -> dict[str, Any]:
    """A resource with every field the version has (config resources lack compression in 3.0)."""
    resource: dict[str, Any] = {"source": source, "verification": {"hash": SHA512}}
    if version.at_least(V3_1):
        resource["httpHeaders"] = [{"name": "X-Token", "value": "t"}, {"name": "X-Drop"}]
        resource["verification"] = {"hash": SHA256}
    if version.at_least(V3_1) or not config:
        resource["compression"] = "gzip"
    return resource


def rich_config(version: Version) -> dict[str, Any]:
    """A valid config that uses every section (and nearly every field) `version` has."""
    ignition: dict[str, Any] = {
        "version": str(version),
        "config": {
            "merge": [_resource(version, "https://example.com/merge.ign", config=True)],
            "replace": {"source": "https://example.com/replace.ign"},
        },
        "security": {"tls": {"certificateAuthorities": [{"source": "https://example.com/ca.pem"}]}},
        "timeouts": {"httpResponseHeaders": 20, "httpTotal": 120},
    }
    if version.at_least(V3_1):
        ignition["proxy"] = {
            "httpProxy": "http://proxy:3128",
            "httpsProxy": "https://proxy:3129",
            "noProxy": ["localhost", "10.0.0.0/8"],
        }
    user: dict[str, Any] = {
        "name": "core",
        "uid": 1001,
        "gecos": "Core",
        "homeDir": "/home/core",
        "noCreateHome": False,
        "noLogInit": True,
        "noUserGroup": False,
        "passwordHash": "$6$x$y",
        "primaryGroup": "core",
        "groups": ["wheel", "sudo"],
        "shell": "/bin/bash",
        "sshAuthorizedKeys": ["ssh-ed25519 AAAA key1", "ssh-ed25519 AAAA key2"],
        "system": False,
    }
    group: dict[str, Any] = {"name": "builders", "gid": 2000, "passwordHash": "*", "system": True}
    partition: dict[str, Any] = {
        "number": 1,
        "label": "root",
        "sizeMiB": 1024,
        "startMiB": 1,
        "typeGuid": "0FC63DAF-8483-4772-8E79-3D69D8477DE4",
        "guid": "8a7a7d5e-0b1c-4d2e-9f3a-1b2c3d4e5f60",
        "wipePartitionEntry": True,
        "shouldExist": True,
    }
    if version.at_least(V3_2):
        user["shouldExist"] = True
        group["shouldExist"] = True
        partition["resize"] = False
    filesystem: dict[str, Any] = {
        "device": "/dev/disk/by-partlabel/root",
        "format": "xfs",
        "path": "/var",
        "label": "var",
        "uuid": "5b3f1a2e-7e3c-4f5a-9b1d-2c3d4e5f6a7b",
        "options": ["-m", "crc=1"],
        "wipeFilesystem": True,
    }
    if version.at_least(V3_1):
        filesystem["mountOptions"] = ["noatime"]
    filesystems = [filesystem, {"device": "/dev/md/data", "format": "ext4", "label": "data"}]
    if version.at_least(V3_3):
        filesystems.append({"device": "/dev/sdd", "format": "none"})
    mode = 0o4755 if version.at_least(V3_6) else 0o755
    storage: dict[str, Any] = {
        "disks": [
            {"device": "/dev/sda", "wipeTable": True, "partitions": [partition]},
            {"device": "/dev/sdb", "partitions": [{"number": 9, "shouldExist": False}]},
        ],
        "raid": [
            {
                "name": "data",
                "level": "raid1",
                "devices": ["/dev/sdc1", "/dev/sdc2"],
                "spares": 1,
                "options": ["--metadata=1.2"],
            }
        ],
        "filesystems": filesystems,
        "files": [
            {
                "path": "/etc/hostname",
                "overwrite": True,
                "mode": 0o644,
                "user": {"name": "root"},
                "group": {"id": 0},
                "contents": {"source": "data:,myhost%0A"},
            },
            {
                "path": "/usr/local/bin/tool",
                "mode": mode,
                "contents": _resource(version, "https://example.com/tool"),
                "append": [{"source": "data:;base64,IyBtb3JlCg=="}],
            },
        ],
        "directories": [
            {"path": "/srv/data", "mode": 0o750, "user": {"id": 1001}, "overwrite": False}
        ],
        "links": [
            {"path": "/usr/local/bin/t", "target": "/usr/local/bin/tool", "hard": False},
            {"path": "/srv/hard", "target": "/etc/hostname", "hard": True},
        ],
    }
    if version.at_least(V3_2):
        tang: dict[str, Any] = {"url": "https://tang.example.com", "thumbprint": "abc"}
        if version.at_least(V3_4):
            tang["advertisement"] = '{"payload": "x"}'
        volume: dict[str, Any] = {
            "name": "secret",
            "device": "/dev/sde",
            "label": "secret",
            "uuid": "11111111-2222-3333-4444-555555555555",
            "keyFile": {"source": "data:,key"},
            "wipeVolume": True,
            "options": ["--cipher", "aes-xts-plain64"],
            "clevis": {"tpm2": True, "tang": [tang], "threshold": 1},
        }
        custom: dict[str, Any] = {"pin": "tpm2", "config": "{}"}
        if version.at_least(V3_3):
            custom["needsNetwork"] = False
        if version.at_least(V3_4):
            volume["discard"] = True
            volume["openOptions"] = ["--allow-discards"]
        if version.at_least(V3_6):
            custom["pin"] = "yubikey"
        storage["luks"] = [
            volume,
            {"name": "custom", "device": "/dev/sdf", "clevis": {"custom": custom}},
        ]
        if version.at_least(V3_5):
            storage["luks"].append({"name": "cex", "device": "/dev/sdg", "cex": {"enabled": True}})
    config: dict[str, Any] = {
        "ignition": ignition,
        "passwd": {"users": [user], "groups": [group]},
        "storage": storage,
        "systemd": {
            "units": [
                {
                    "name": "app.service",
                    "enabled": True,
                    "contents": UNIT,
                    "dropins": [
                        {"name": "10-env.conf", "contents": "[Service]\nEnvironment=A=1\n"}
                    ],
                },
                {"name": "debug.service", "mask": True},
                {"name": "sshd.socket", "enabled": False},
            ]
        },
    }
    if version.at_least(V3_3):
        config["kernelArguments"] = {"shouldExist": ["quiet"], "shouldNotExist": ["debug"]}
    return config


def target_version(version: Version) -> str:
    return str(version) if version.prerelease else "3.6.0"


def assert_round_trips(
    parsed: Parsed, version: Version, newest_refuses: str | None = None
) -> dict[str, Any]:
    """Render, parse again, compare. `newest_refuses`: the one error the newest spec
    reports for something the config's own (older) spec accepts."""
    assert not parsed.report.has_errors, "\n" + str(parsed.report)
    assert parsed.config is not None
    rendered = render(parsed.config)
    assert rendered["ignition"]["version"] == target_version(version)
    again = parse_config(json.dumps(rendered))
    if newest_refuses is None:
        assert not again.report.has_errors, "\n" + str(again.report)
    else:
        assert {e.message for e in again.report.errors()} == {newest_refuses}
    assert again.version is not None and str(again.version) == target_version(version)
    assert again.config == parsed.config
    assert render(again.config) == rendered
    return rendered


@pytest.mark.parametrize("version", KNOWN_VERSIONS, ids=str)
def test_rich_config_round_trips(version: Version) -> None:
    parsed = parse_config(json.dumps(rich_config(version), indent=2))
    assert list(parsed.report) == [], "\n" + str(parsed.report)
    assert parsed.version == version
    rendered = assert_round_trips(parsed, version)
    assert isinstance(parsed.config, Config)
    # Every section the version has survives rendering.
    expected = {"ignition", "passwd", "storage", "systemd"}
    if version.at_least(V3_3):
        expected.add("kernelArguments")
    assert set(rendered) == expected
    storage_keys = {"disks", "raid", "filesystems", "files", "directories", "links"}
    if version.at_least(V3_2):
        storage_keys.add("luks")
    assert set(rendered["storage"]) == storage_keys
    assert ("proxy" in rendered["ignition"]) == version.at_least(V3_1)
    if version.at_least(V3_5):
        assert rendered["storage"]["luks"][-1]["cex"] == {"enabled": True}
    tool = rendered["storage"]["files"][1]
    assert tool["mode"] == (0o4755 if version.at_least(V3_6) else 0o755)


@pytest.mark.parametrize("version", KNOWN_VERSIONS, ids=str)
def test_rich_config_json_is_the_source(version: Version) -> None:
    """Rendering drops only the version change: every value written comes back."""
    source = rich_config(version)
    parsed = parse_config(json.dumps(source))
    assert parsed.config is not None
    rendered = render(parsed.config)
    source["ignition"]["version"] = target_version(version)
    assert rendered == source


def _valid_corpus_files() -> list[Any]:
    """Corpus configs that parse without errors (warnings allowed), one test id each."""
    params = []
    for path in sorted(CORPUS.rglob("*.ign")):
        parsed = parse_config(path.read_bytes())
        if parsed.config is not None and not parsed.report.has_errors:
            params.append(pytest.param(path, id=str(path.relative_to(CORPUS))))
    return params


VALID_CORPUS = _valid_corpus_files()


def test_corpus_has_valid_configs() -> None:
    assert len(VALID_CORPUS) >= 40


# Valid in their own spec, but the translated config breaks a rule that is newer (link
# targets are required from 3.3): rendered as 3.6.0 they no longer validate, as upstream's
# translated configs would not either. The model still comes back the same.
NEWEST_REFUSES = {
    "3.1/links-missing-target.ign": messages.LINK_TARGET_REQUIRED,
}


@pytest.mark.parametrize("path", VALID_CORPUS)
def test_corpus_valid_config_round_trips(path: Path) -> None:
    parsed = parse_config(path.read_bytes())
    assert parsed.version is not None
    refused = NEWEST_REFUSES.get(path.relative_to(CORPUS).as_posix())
    assert_round_trips(parsed, parsed.version, refused)


def test_newest_refuses_names_valid_corpus_files() -> None:
    valid = {p.values[0].relative_to(CORPUS).as_posix() for p in VALID_CORPUS}
    assert set(NEWEST_REFUSES) <= valid
