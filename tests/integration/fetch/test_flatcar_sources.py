"""Flatcar's config sources through the real agent: oem:// (the kernel command line's
flatcar/coreos.config.url, a file's contents, a merged config) read offline from the OEM
lookaside directory, Flatcar's platform names, and cloud-init user data taken as no
config, so that the boot goes on without Ignition changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testkit.agents import OURS
from testkit.flavour import flavour_env
from testkit.stagerun import run_stages


def _cfg(**sections: object) -> bytes:
    return json.dumps({"ignition": {"version": "3.4.0"}, **sections}).encode()


@pytest.fixture
def oem(tmp_path: Path) -> Path:
    directory = tmp_path / "oem-partition"
    directory.mkdir()
    (directory / "motd").write_text("from the OEM partition\n")
    child = _cfg(
        storage={"files": [{"path": "/etc/from-merge", "contents": {"source": "data:,m"}}]}
    )
    (directory / "child.ign").write_bytes(child)
    merge = {"config": {"merge": [{"source": "oem:///child.ign"}]}}
    motd = {"path": "/etc/motd", "contents": {"source": "oem:///motd"}}
    user = {"ignition": {"version": "3.4.0", **merge}, "storage": {"files": [motd]}}
    (directory / "config.ign").write_text(json.dumps(user))
    return directory


@pytest.mark.parametrize(
    ("platform", "key"),
    [
        ("metal", "flatcar.config.url"),
        ("pxe", "coreos.config.url"),
        ("qemu", "ignition.config.url"),
    ],
)
def test_oem_config_from_the_kernel_command_line_is_fetched_offline(
    tmp_path: Path, oem: Path, platform: str, key: str
) -> None:
    root = tmp_path / "sysroot"
    root.mkdir()
    result = run_stages(
        OURS, tmp_path / "work", ["fetch-offline", "files"], platform=platform, root=root,
        cmdline=f"ro {key}=oem:///config.ign",
        env={"IGNITION_OEM_LOOKASIDE_DIR": str(oem), **flavour_env(tmp_path, "flatcar")},
    )  # fmt: skip
    assert result.returncode == 0, result.output
    assert not result.neednet.exists()
    assert (root / "etc/motd").read_text() == "from the OEM partition\n"
    assert (root / "etc/from-merge").read_text() == "m"


def test_a_missing_oem_file_fails_the_stage_and_names_it(tmp_path: Path, oem: Path) -> None:
    result = run_stages(
        OURS, tmp_path / "work", ["fetch-offline"], platform="metal",
        cmdline="flatcar.config.url=oem:///nothing.ign",
        env={"IGNITION_OEM_LOOKASIDE_DIR": str(oem), **flavour_env(tmp_path, "flatcar")},
    )  # fmt: skip
    assert result.returncode == 1
    assert "failed to read oem config" in result.output and "nothing.ign" in result.output
    assert not result.cache.exists()


@pytest.mark.parametrize(
    "user_data",
    [b"#cloud-config\nssh_authorized_keys: [ssh-ed25519 AAAA]\n", b"#!/bin/sh\necho hi\n"],
    ids=["cloud-config", "script"],
)
def test_cloud_init_user_data_is_an_empty_config(tmp_path: Path, user_data: bytes) -> None:
    result = run_stages(OURS, tmp_path, ["fetch-offline"], user_config=user_data)
    assert result.returncode == 0, result.output
    assert json.loads(result.cache.read_text()) == {"ignition": {"version": "3.6.0"}}
    assert "not an Ignition config: ignoring it" in result.output
    assert "AAAA" not in result.output


def test_other_text_user_data_is_still_an_error(tmp_path: Path) -> None:
    result = run_stages(OURS, tmp_path, ["fetch-offline"], user_config=b"hostname: a\n")
    assert result.returncode == 1
    assert not result.cache.exists()
