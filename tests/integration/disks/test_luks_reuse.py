"""Reusing an existing LUKS2 volume (no wipeVolume): the header's allow-discards flag must
match the config's `discard`, as v2.26.0's reuseLuksDevice checks after label and UUID
(ignition-py used to skip it). The headers are real, made by cryptsetup on loop devices;
device-mapper is missing here, so a volume that passes every check then fails to open,
which both agents say the same way. Each case runs ours and, when installed, v2.26.0."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from ignition_py.log import Logger
from ignition_py.system.disk_probe import HostProbe
from testkit.loopdisks import Before, LoopDisk, Runner, fingerprint, loop_disks, sh
from tests.oracles import UPSTREAM

from .luks_header import closed_after, set_flags

KEY = b"reused-volume-key"
UUID = "3a9b4c5d-6e7f-4a1b-8c2d-3e4f5a6b7c8d"
NAME = "reused"
REFUSED = 'volume wipe was not requested and luks device "{device}" could not be reused: '


def _format(disk: LoopDisk, flags: list[str], work: Path) -> None:
    key = work / "format.key"
    key.write_bytes(KEY)
    sh("cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2",
       "--pbkdf-force-iterations", "1000", "--uuid", UUID, "--key-file", str(key),
       disk.device)  # fmt: skip
    if flags:
        set_flags(disk.device, flags)


def _config(device: str, **fields: Any) -> dict[str, Any]:
    luks = {"name": NAME, "device": device, **fields,
            "keyFile": {"source": "data:;base64," + base64.b64encode(KEY).decode()}}  # fmt: skip
    return {"ignition": {"version": "3.4.0"}, "storage": {"luks": [luks]}}


def _agents(work: Path) -> list[tuple[str, Runner]]:
    agents = [("ours", Runner(work / "ours"))]
    if UPSTREAM.present():
        agents.append(("v2.26.0", Runner(work / "upstream", agent=UPSTREAM.agent)))
    else:
        print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
    return agents


def test_host_probe_reads_the_headers_flags(tmp_path: Path) -> None:
    with loop_disks((Before(size_mib=32),), tmp_path) as disks:
        _format(disks[0], [], tmp_path)
        assert HostProbe(Logger("test")).luks_flags(disks[0].device) == ()
        set_flags(disks[0].device, ["allow-discards", "no-read-workqueue"])
        flags = HostProbe(Logger("test")).luks_flags(disks[0].device)
        assert flags == ("allow-discards", "no-read-workqueue")


@pytest.mark.parametrize(
    ("flags", "fields", "reason"),
    [
        (
            [],
            {"discard": True},
            "volume allow-discards flag false doesn't match expected value true",
        ),
        (
            ["allow-discards"],
            {},
            "volume allow-discards flag true doesn't match expected value false",
        ),
        (
            ["allow-discards"],
            {"discard": True, "uuid": UUID.upper()},
            f'volume UUID "{UUID}" doesn\'t match expected UUID "{UUID.upper()}"',
        ),  # the UUID before the flag, compared exactly
        (["allow-discards"], {"discard": True, "uuid": UUID}, "failed to open device"),
        ([], {"discard": False}, "failed to open device using specified keyfile"),
        # only a threshold is clevis to upstream's IsPresent (ours used to reuse it)
        ([], {"clevis": {"threshold": 1}}, "config must not specify clevis binding"),
    ],
)
def test_reuse_checks_the_allow_discards_flag_as_upstream(
    tmp_path: Path, flags: list[str], fields: dict[str, Any], reason: str
) -> None:
    agents = _agents(tmp_path)
    with loop_disks((Before(size_mib=32),), tmp_path) as disks, closed_after(NAME):
        device = disks[0].device
        _format(disks[0], flags, tmp_path)
        before = fingerprint(disks[0])
        for name, runner in agents:
            runner.workdir.mkdir()
            result = runner.stage("disks", _config(device, **fields), tmp_path / name)
            if result.returncode == 0 and reason.startswith("failed to open"):
                pytest.skip(f"{name}: luksOpen works on this host, the open cannot fail")
            assert result.returncode == 1, f"{name}: {result.output}"
            refused = REFUSED.format(device=device) + reason
            assert refused in result.output, f"{name}: {result.output}"
            assert fingerprint(disks[0]) == before, name


def test_a_luks1_volume_is_refused_as_upstream(tmp_path: Path) -> None:
    """v2.26.0 refuses a LUKS1 header without wipeVolume in its own words; ours used to say
    "not of the correct type (found crypto_LUKS)"."""
    agents = _agents(tmp_path)
    with loop_disks((Before(size_mib=32),), tmp_path) as disks:
        key = tmp_path / "format.key"
        key.write_bytes(KEY)
        sh("cryptsetup", "luksFormat", "--batch-mode", "--type", "luks1",
           "--pbkdf-force-iterations", "1000", "--key-file", str(key), disks[0].device)  # fmt: skip
        before = fingerprint(disks[0])
        for name, runner in agents:
            runner.workdir.mkdir()
            result = runner.stage("disks", _config(disks[0].device), tmp_path / name)
            assert result.returncode == 1, f"{name}: {result.output}"
            refused = (
                f"Ignition failed: failed to create luks: {disks[0].device} is a luks device "
                "but not luks2; Ignition cannot reuse it"
            )
            assert refused in result.output, f"{name}: {result.output}"
            assert fingerprint(disks[0]) == before, name


def test_a_refused_reuse_fails_before_the_disk_is_partitioned(tmp_path: Path) -> None:
    """v2.26.0 partitions the first disk, then refuses the volume; ours refused it only in
    CreateLuks, after PartitionDisk. Now the plan refuses it and no disk changes."""
    two = (Before(size_mib=32), Before(size_mib=32))
    with loop_disks(two, tmp_path) as disks, closed_after(NAME):
        _format(disks[1], ["allow-discards"], tmp_path)
        config = _config(disks[1].device)
        partitions = [{"number": 1, "sizeMiB": 8}]
        config["storage"]["disks"] = [{"device": disks[0].device, "partitions": partitions}]
        before = [fingerprint(d) for d in disks]
        runner = Runner(tmp_path / "ours")
        runner.workdir.mkdir()
        result = runner.stage("disks", config, tmp_path / "root")
        assert result.returncode == 1, result.output
        reason = "volume allow-discards flag true doesn't match expected value false"
        assert REFUSED.format(device=disks[1].device) + reason in result.output
        assert "$.storage.luks.0, checked before any change" in result.output
        assert [fingerprint(d) for d in disks] == before
