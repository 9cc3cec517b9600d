"""Flatcar's runtime patches on top of v2.26.0: oem:// sources (0012, 0013, 0015), the
kernel command line's flatcar/coreos.config.url (0006), its platform names, cloud-init user
data read as no config (0011), the OEM partition's mount point (0016) and reuse (0008)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest

from ignition_py.acquire import cmdline_config_url, parse_user_config
from ignition_py.agent_cli import FLAGS
from ignition_py.config.model import Config, Filesystem, Storage
from ignition_py.config.parse import parse_config
from ignition_py.disks.fs_rules import Decision, FilesystemRuleError, Probe, decide
from ignition_py.disks.mount_rules import mount_point
from ignition_py.errors import ConfigError
from ignition_py.log import Logger
from ignition_py.resources.errors import FetchError, NeedNetError
from ignition_py.resources.fetcher import Fetcher, url_needs_net
from ignition_py.resources.oem import oem_file
from ignition_py.resources.stream import read_all
from ignition_py.user_data import cloud_init_kind
from testkit.flavour import flavour_env

LOG = Logger("test", to_stdout=True)


@pytest.fixture
def flatcar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in flavour_env(tmp_path / "flavour", "flatcar").items():
        monkeypatch.setenv(key, value)


def config_with_source(version: str, source: str) -> bytes:
    files = [{"path": "/etc/x", "contents": {"source": source}}]
    return json.dumps({"ignition": {"version": version}, "storage": {"files": files}}).encode()


@pytest.mark.parametrize("version", ["3.0.0", "3.2.0", "3.4.0", "3.6.0", "3.7.0-experimental"])
def test_oem_urls_are_valid_sources_in_every_3x_version(version: str) -> None:
    parsed = parse_config(config_with_source(version, "oem:///config.ign"))
    assert not parsed.report.has_errors, [str(e) for e in parsed.report]
    assert parse_config(config_with_source(version, "ftp://h/x")).report.has_errors


@pytest.fixture
def oem_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    oem = tmp_path / "oem"
    (oem / "sub").mkdir(parents=True)
    (oem / "sub" / "a.txt").write_bytes(b"from the OEM partition\n")
    monkeypatch.setenv("IGNITION_OEM_LOOKASIDE_DIR", str(oem))
    return oem


def test_oem_files_are_read_from_the_lookaside_dir_offline(oem_dir: Path) -> None:
    fetcher = Fetcher(LOG, offline=True)
    assert not url_needs_net("oem:///sub/a.txt")
    data = b"from the OEM partition\n"
    assert read_all(fetcher.open("oem:///sub/a.txt"), 1 << 20) == data
    # Go's url.Parse: the host is not part of the path; the path is cleaned and decoded
    assert read_all(fetcher.open("oem://ignored/sub/../sub/%61.txt"), 1 << 20) == data
    digest = "sha512-" + hashlib.sha512(data).hexdigest()
    gz = oem_dir / "b.gz"
    gz.write_bytes(gzip.compress(data))
    opened = fetcher.open("oem:///b.gz", compression="gzip", verification=digest)
    assert read_all(opened, 1 << 20) == data


def test_oem_path_never_leaves_the_lookaside_dir(oem_dir: Path) -> None:
    assert oem_file("oem:///../../etc/passwd") == oem_dir / "etc/passwd"


def test_oem_failures_are_fetch_errors(oem_dir: Path) -> None:
    fetcher = Fetcher(LOG)
    with pytest.raises(FetchError, match="failed to read oem config"):
        fetcher.open("oem:///missing.ign")
    with pytest.raises(FetchError, match="oem path is not absolute"):
        fetcher.open("oem:relative")
    with pytest.raises(NeedNetError):
        Fetcher(LOG, offline=True).open("http://h/x")


def test_flatcar_and_coreos_cmdline_urls_last_of_any_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flatcar: None
) -> None:
    cmdline = tmp_path / "cmdline"
    monkeypatch.setenv("IGNITION_KERNEL_CMDLINE_PATH", str(cmdline))
    for key in ("flatcar.config.url", "coreos.config.url", "ignition.config.url"):
        cmdline.write_text(f"quiet {key}=oem:///c.ign\n")
        assert cmdline_config_url(LOG) == "oem:///c.ign"
    cmdline.write_text("ignition.config.url=http://a flatcar.config.url=http://b\n")
    assert cmdline_config_url(LOG) == "http://b"
    cmdline.write_text("coreos.config.url=http://c ignition.config.url=http://a\n")
    assert cmdline_config_url(LOG) == "http://a"
    cmdline.write_text("flatcar.config.urlx=http://b\n")
    assert cmdline_config_url(LOG) is None
    cmdline.write_text("ignition.config.url=http://a coreos.config.url=\n")
    assert cmdline_config_url(LOG) is None


def test_default_build_reads_only_ignition_config_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cmdline = tmp_path / "cmdline"
    monkeypatch.setenv("IGNITION_KERNEL_CMDLINE_PATH", str(cmdline))
    monkeypatch.setenv("IGNITION_PY_FLAVOUR_FILE", str(tmp_path / "no-flavour-file"))
    cmdline.write_text("ignition.config.url=http://a flatcar.config.url=http://b\n")
    assert cmdline_config_url(LOG) == "http://a"
    cmdline.write_text("coreos.config.url=http://c\n")
    assert cmdline_config_url(LOG) is None


@pytest.mark.parametrize(
    ("given", "platform"),
    [("ec2", "aws"), ("ami", "aws"), ("gce", "gcp"), ("pxe", "metal"), ("cloudsigma", "metal"),
     ("rackspace-onmetal", "metal"), ("vagrant", "metal"), ("interoute", "metal"),
     ("aws", "aws"), ("hyperv", "hyperv")],
)  # fmt: skip
def test_flatcar_platform_names_become_upstream_platforms(given: str, platform: str) -> None:
    values, _ = FLAGS.parse(["-platform", given, "-stage", "fetch"])
    assert values["platform"] == platform


def test_unknown_platform_is_still_refused_and_aliases_are_not_listed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        FLAGS.parse(["-platform", "nosuch"])
    assert exited.value.code == 2
    assert "nosuch is not a valid platform" in capsys.readouterr().err
    assert "cloudsigma" not in FLAGS.usage() and "ec2" not in FLAGS.usage()


MIME = b"Content-Type: multipart/mixed; boundary=XX\r\nMIME-Version: 1.0\r\n\r\n--XX\r\n"


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        (b"#cloud-config\nhostname: a\n", "a cloud-config"),
        (b"#cloud-config \t\r\n", "a cloud-config"),
        (gzip.compress(b"#cloud-config\nusers: []\n"), "a cloud-config"),
        (b"#!/bin/bash\necho hi\n", "a script"),
        (MIME, "a MIME multipart archive"),
        (gzip.compress(MIME), "a MIME multipart archive"),
        ("#cloud-config\u00a0\u3000\x85\v\n".encode(), "a cloud-config"),
        (b"#cloud-config\x1c\n", None),  # not a space to Go's unicode.IsSpace
        (b"#cloud-config\x1f", None),
        (b"#cloud-configs\n", None),
        (b" #cloud-config\n", None),
        (b"Content-Type: multipart/mixed\n", None),  # no end of the header block
        (b"Content-Type: text/plain\n\nx", None),
        (b"Bad Header: multipart/mixed\n\n", None),
        (b'{"ignition": {"version": "3.4.0"}}', None),
        (b"variant: flatcar\nversion: 1.0.0\n", None),
        (b"\x1f\x8bnot really gzip", None),
        (b"", None),
    ],
)
def test_cloud_init_user_data_is_recognised(raw: bytes, kind: str | None) -> None:
    assert cloud_init_kind(raw) == kind


def test_cloud_init_user_data_is_no_config_and_other_text_an_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert parse_user_config(b"#cloud-config\npassword: s3cret\n", "aws", LOG) is None
    out = capsys.readouterr().out
    assert "the user data is a cloud-config, not an Ignition config: ignoring it" in out
    assert "s3cret" not in out
    with pytest.raises(ConfigError):
        parse_user_config(b"# cloud-config\nhostname: a\n", "aws", LOG)


def test_parse_config_says_the_text_is_user_data_and_reports_it_as_empty() -> None:
    parsed = parse_config(b"#cloud-config\npassword: s3cret\n")
    assert parsed.user_data == "a cloud-config" and parsed.config is None
    assert [str(e) for e in parsed.report] == ["error: not a config (empty)"]
    note = parsed.user_data_note or ""
    assert note == "the user data is a cloud-config, not an Ignition config: ignoring it"
    assert parse_config(b'{"ignition": {"version": "3.4.0"}}').user_data is None


@pytest.mark.parametrize("raw", [b"#cloud-config\n", b"#!/bin/sh\ntrue\n", MIME])
def test_every_reader_of_configs_agrees_on_user_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], raw: bytes
) -> None:
    from ignition_py import cli
    from ignition_py.validate_cli import main

    path = tmp_path / "user-data"
    path.write_bytes(raw)
    assert main([str(path)]) == 1
    validated = capsys.readouterr().out
    assert validated.strip() == "error: not a config (empty)"
    for command in (["validate"], ["render"]):
        assert cli.main([*command, str(path)]) == 1
        said = capsys.readouterr()
        assert "not a config (empty)" in said.out + said.err, command
        assert "invalid character" not in said.out + said.err, command


def test_validate_reads_cloud_init_user_data_as_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ignition_py.validate_cli import main

    path = tmp_path / "user-data"
    path.write_bytes(b"#!/bin/sh\ntrue\n")
    assert main([str(path)]) == 1
    assert capsys.readouterr().out.strip() == "error: not a config (empty)"


OEM_FS = Filesystem(device="/dev/disk/by-label/OEM", format="ext4", path="/usr/share/oem")


def _mount_targets(tmp_path: Path, *filesystems: Filesystem) -> tuple[list[str], list[str]]:
    from types import SimpleNamespace
    from typing import Any, cast

    from ignition_py.disks.mount_plan import (
        MountFilesystem,
        UnmountFilesystem,
        plan_mount,
        plan_umount,
    )

    root = tmp_path / "sysroot"
    root.mkdir(exist_ok=True)
    options = SimpleNamespace(root=str(root), state_file=str(tmp_path / "state"))
    context = cast(Any, SimpleNamespace(root=root, options=options))
    config = Config(storage=Storage(filesystems=filesystems))
    mounts = [a.target for a in plan_mount(config, context) if isinstance(a, MountFilesystem)]
    unmounts = [a.target for a in plan_umount(config, context) if isinstance(a, UnmountFilesystem)]
    prefix = len(str(root))
    return [t[prefix:] for t in mounts], [t[prefix:] for t in unmounts]


def test_the_oem_partition_at_usr_share_oem_is_mounted_at_oem(
    tmp_path: Path, flatcar: None
) -> None:
    assert _mount_targets(tmp_path, OEM_FS) == (["/oem"], ["/oem"])
    assert mount_point(OEM_FS) == "/oem"
    assert mount_point(Filesystem(device="/dev/vda6", format="ext4", path="/usr/share/oem")) == (
        "/usr/share/oem"
    )
    assert mount_point(Filesystem(device=OEM_FS.device, format="ext4", path="/x")) == "/x"


def test_an_oem_labelled_filesystem_of_another_format_is_reused(flatcar: None) -> None:
    btrfs_oem = Probe(type="btrfs", uuid="u", label="OEM")
    assert decide(OEM_FS, btrfs_oem) is Decision.REUSE
    with pytest.raises(FilesystemRuleError):
        decide(OEM_FS, Probe(type="btrfs", uuid="u", label="DATA"))
    labelled = Filesystem(device="/dev/x", format="ext4", label="OTHER")
    with pytest.raises(FilesystemRuleError):
        decide(labelled, btrfs_oem)
    wiped = Filesystem(device="/dev/x", format="ext4", wipe_filesystem=True)
    assert decide(wiped, btrfs_oem) is Decision.WIPE_AND_CREATE


def test_default_build_keeps_upstream_oem_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in flavour_env(tmp_path, "").items():
        monkeypatch.setenv(key, value)
    assert mount_point(OEM_FS) == "/usr/share/oem"
    assert _mount_targets(tmp_path, OEM_FS) == (["/usr/share/oem"], ["/usr/share/oem"])
    with pytest.raises(FilesystemRuleError):
        decide(OEM_FS, Probe(type="btrfs", uuid="u", label="OEM"))


def test_an_oem_path_with_a_nul_byte_is_a_fetch_error(oem_dir: Path) -> None:
    with pytest.raises(FetchError, match=r"failed to read oem config: open .*a\\x00b: invalid arg"):
        Fetcher(LOG).open("oem:///a%00b")


@pytest.mark.parametrize(
    ("head", "kind"), [(b"#cloud-config\n", "a cloud-config"), (MIME, "a MIME multipart archive")]
)
def test_gzipped_user_data_is_inflated_only_as_far_as_the_detection_reads(
    head: bytes, kind: str
) -> None:
    import tracemalloc

    # 256 MiB of zeros in 16 gzip members (~256 KiB compressed): a gzip bomb.
    zeros = gzip.compress(bytes(16 << 20))
    bomb = gzip.compress(head) + zeros * 16
    tracemalloc.start()
    try:
        found = cloud_init_kind(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert found == kind
    assert peak < 4 << 20, f"inflated {peak} bytes"
