"""Providers that need no network: the registry covers every upstream platform name,
vmware through a stand-in vmware-rpctool on PATH (the command boundary), the kernel
command line parser, and which configs need the network."""

from __future__ import annotations

import base64
import gzip
import os
import stat
from pathlib import Path

import pytest

from ignition_py.acquire import cmdline_config_url, config_needs_net
from ignition_py.agent_names import UPSTREAM_PLATFORMS
from ignition_py.config.model import Config, File, Resource, Storage
from ignition_py.errors import ConfigError
from ignition_py.log import Logger
from ignition_py.providers import PLATFORMS, UNSUPPORTED, ProviderContext, get_platform
from ignition_py.providers.catalog import PROVIDER_MODULES, load_all
from ignition_py.providers.vmware import decode, ovf_properties
from ignition_py.resources.errors import NeedNetError
from ignition_py.resources.fetcher import Fetcher
from testkit.flavour import flavour_env

LOG = Logger("test", to_stdout=True)


def test_every_upstream_platform_is_supported_or_refused_by_name() -> None:
    for name in UPSTREAM_PLATFORMS:
        if name in UNSUPPORTED:
            with pytest.raises(ConfigError, match=f"platform '{name}' is not supported"):
                get_platform(name)
        else:
            assert get_platform(name).name == name
    load_all()
    assert set(PLATFORMS.names()) | set(UNSUPPORTED) == set(UPSTREAM_PLATFORMS)


def test_supported_platform_count() -> None:
    load_all()
    assert len(PLATFORMS.names()) >= 27


def test_the_catalog_names_the_module_that_registers_each_platform() -> None:
    load_all()
    registered = {name: PLATFORMS.get(name) for name in PLATFORMS.names()}
    assert set(registered) == set(PROVIDER_MODULES)
    for name, platform in registered.items():
        assert platform is not None
        module = platform.fetch.__module__
        assert module == f"ignition_py.providers.{PROVIDER_MODULES[name]}", (name, module)


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("", lambda b: b.decode()),
        ("base64", lambda b: base64.b64encode(b).decode()),
        ("b64", lambda b: base64.b64encode(b).decode()),
        ("gzip+base64", lambda b: base64.b64encode(gzip.compress(b)).decode()),
        ("gz+b64", lambda b: base64.b64encode(gzip.compress(b)).decode()),
    ],
)
def test_vmware_encodings(encoding: str, encode: object) -> None:
    raw = b'{"ignition":{"version":"3.2.0"}}'
    assert decode(encode(raw), encoding) == raw  # type: ignore[operator]


def test_vmware_unknown_encoding_is_an_error() -> None:
    with pytest.raises(ConfigError, match="unsupported guestinfo config encoding 'rot13'"):
        decode("x", "rot13")


OVF = """<?xml version="1.0" encoding="UTF-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"
     xmlns:oe="http://schemas.dmtf.org/ovf/environment/1" oe:id="">
   <PropertySection>
      <Property oe:key="guestinfo.ignition.config.data" oe:value="e30K"/>
      <Property oe:key="guestinfo.ignition.config.data.encoding" oe:value="base64"/>
   </PropertySection>
</Environment>"""


def test_ovf_environment_properties() -> None:
    assert ovf_properties(OVF) == {
        "guestinfo.ignition.config.data": "e30K",
        "guestinfo.ignition.config.data.encoding": "base64",
    }


def fake_rpctool(directory: Path, values: dict[str, str]) -> None:
    lines = ["#!/bin/sh", 'case "$1" in']
    for key, value in values.items():
        lines.append(f"  'info-get guestinfo.{key}') printf '%s\\n' '{value}';;")
    lines += ["  *) echo 'No value found' >&2; exit 1;;", "esac"]
    tool = directory / "vmware-rpctool"
    tool.write_text("\n".join(lines) + "\n")
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


@pytest.mark.runs_programs  # a stand-in vmware-rpctool script on PATH, the command boundary
@pytest.mark.parametrize("direct", [True, False], ids=["guestinfo", "ovfenv"])
def test_vmware_provider_reads_guestinfo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    config = b'{"ignition":{"version":"3.1.0"}}'
    encoded = base64.b64encode(gzip.compress(config)).decode()
    if direct:
        values = {"ignition.config.data": encoded, "ignition.config.data.encoding": "gzip+base64"}
    else:
        values = {"ovfenv": OVF.replace("e30K", encoded).replace("base64", "gz+b64")}
    fake_rpctool(tmp_path, values)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    context = ProviderContext(Fetcher(LOG, offline=True), LOG, 5)
    assert get_platform("vmware").fetch(context) == config


def test_cmdline_last_url_wins_and_a_last_empty_one_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cmdline = tmp_path / "cmdline"
    cmdline.write_text("quiet ignition.config.url=http://a/1 ignition.config.url= x=y\n")
    monkeypatch.setenv("IGNITION_KERNEL_CMDLINE_PATH", str(cmdline))
    assert cmdline_config_url(LOG) is None  # as v2.26.0: "no config URL provided"
    cmdline.write_text("ignition.config.url= ignition.config.url=http://a/1 ignition.config.url\n")
    assert cmdline_config_url(LOG) == "http://a/1"
    cmdline.write_text("ignition.config.url=http://a/1 ignition.config.url=tftp://b/2\n")
    assert cmdline_config_url(LOG) == "tftp://b/2"
    cmdline.write_text("ro root=/dev/vda\n")
    assert cmdline_config_url(LOG) is None


def files_config(*sources: str) -> Config:
    files = tuple(File(path=f"/f{i}", contents=Resource(source=s)) for i, s in enumerate(sources))
    return Config(storage=Storage(files=files))


def test_config_needs_net() -> None:
    assert not config_needs_net(Config())
    assert not config_needs_net(files_config("data:,x", ""))
    for scheme in ("http", "https", "tftp", "s3", "gs"):
        assert config_needs_net(files_config("data:,x", f"{scheme}://host/p"))
    assert config_needs_net(files_config("arn:aws:s3:::b/k"))


def test_vmware_gzip_goes_through_the_content_pipeline() -> None:
    with pytest.raises(ConfigError, match=r"unable to decode guestinfo config \(gzip\): .*gzip"):
        decode("not gzip at all", "gzip")
    assert decode(gzip.compress(b"{}").decode("latin-1"), "gz") == b"{}"


@pytest.mark.runs_programs  # a stand-in vmware-rpctool script on PATH, the command boundary
def test_vmware_flatcar_fallbacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flatcar's patch 0009 (flatcar flavour): coreos.config.data without
    ignition.config.data, then the config at ignition.config.url or coreos.config.url."""
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    for key, value in flavour_env(tmp_path / "etc", "flatcar").items():
        monkeypatch.setenv(key, value)
    config = b'{"ignition":{"version":"3.4.0"}}'
    context = ProviderContext(Fetcher(LOG, offline=True), LOG, 5)
    encoded = base64.b64encode(config).decode()
    fake_rpctool(tmp_path, {"coreos.config.data": encoded, "coreos.config.data.encoding": "b64"})
    assert get_platform("vmware").fetch(context) == config
    fake_rpctool(tmp_path, {"ignition.config.data": "{}", "coreos.config.data": encoded})
    assert get_platform("vmware").fetch(context) == b"{}"
    source = tmp_path / "c.ign"
    source.write_bytes(config)
    monkeypatch.setenv("IGNITION_OEM_LOOKASIDE_DIR", str(tmp_path))
    fake_rpctool(tmp_path, {"coreos.config.url": "oem:///c.ign"})
    assert get_platform("vmware").fetch(context) == config
    fake_rpctool(tmp_path, {"ignition.config.url": "http://h/c", "coreos.config.url": "x"})
    with pytest.raises(NeedNetError):
        get_platform("vmware").fetch(context)
    fake_rpctool(tmp_path, {})
    assert get_platform("vmware").fetch(context) == b""


@pytest.mark.runs_programs  # a stand-in vmware-rpctool script on PATH, the command boundary
def test_vmware_default_build_ignores_coreos_guestinfo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    for key, value in flavour_env(tmp_path / "etc", "").items():
        monkeypatch.setenv(key, value)
    context = ProviderContext(Fetcher(LOG, offline=True), LOG, 5)
    encoded = base64.b64encode(b"{}").decode()
    fake_rpctool(tmp_path, {"coreos.config.data": encoded, "coreos.config.url": "http://h/c"})
    assert get_platform("vmware").fetch(context) == b""
    # upstream v2.26.0 has no URL variable: Flatcar's ignition.config.url is not read either
    fake_rpctool(tmp_path, {"ignition.config.url": "http://h/c"})
    assert get_platform("vmware").fetch(context) == b""
