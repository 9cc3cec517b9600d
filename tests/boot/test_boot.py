"""Real boots: the QEMU harness builds an initramfs with ignition-py inside and boots a VM
(TCG) that provisions itself, once per provider, and once with a config that must fail.

Each boot takes about a minute on 2 cores; the first one also builds the kernel, the
target image and the initramfs (a few minutes, then cached)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
BOOT = REPO / "qemu-harness" / "boot"
pytestmark = pytest.mark.boot


def _require_qemu() -> None:
    if shutil.which("qemu-system-x86_64") is None:
        reason = "qemu-system-x86_64 is not installed (tests/run installs it): no VM boots"
        print(reason)
        pytest.skip(reason)


def boot(config: dict[str, Any] | Path, out: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    _require_qemu()
    out.mkdir(parents=True, exist_ok=True)
    if isinstance(config, Path):
        path = config
    else:
        path = out / "test-config.ign"
        path.write_text(json.dumps(config))
    done = subprocess.run(
        [str(BOOT), "--config", str(path), "--out", str(out / "vm"), *args],
        capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    summary_file = out / "vm" / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.exists() else {}
    return done.returncode, done.stdout + done.stderr, summary


def _config(extra_file: str) -> dict[str, Any]:
    return {
        "ignition": {"version": "3.4.0"},
        "storage": {
            "files": [
                {"path": f"/etc/{extra_file}", "mode": 0o600, "contents": {"source": "data:,x"}}
            ]
        },
        "passwd": {"users": [{"name": "core", "sshAuthorizedKeys": ["ssh-ed25519 AAAA k"]}]},
    }


def test_qemu_fw_cfg_provisions_the_demo_config(tmp_path: Path) -> None:
    status, output, summary = boot(REPO / "examples" / "demo.ign", tmp_path)
    assert status == 0, output[-4000:]
    assert summary["ok"] is True
    failed = [c for c in summary["checks"] if not c["ok"]]
    assert failed == []
    assert len(summary["checks"]) >= 15
    # gzip'ed contents, an append to a file the target already had, and gzip'ed appends
    # after contents: compared decompressed, byte for byte.
    checked = {c["what"] for c in summary["checks"]}
    assert {
        "file /etc/ignition-py/notes.txt",
        "file /etc/issue",
        "file /etc/ignition-py/layers.txt",
    } <= checked
    milestones = summary["milestones_seconds"]
    assert milestones["ignition_complete"] < milestones["switch_root"] < milestones["target_up"]
    assert set(summary["stages_seconds"]) >= {"fetch-offline", "disks", "mount", "files"}
    # fw_cfg needs no network: the fetch stage is never started; the root came up rw.
    assert {"fetch", "remount-sysroot"}.isdisjoint(summary["stages_seconds"])
    # The image holds the Debian package, installed and put in by the build root's dracut.
    assert summary["package"].startswith("ignition-py_")
    assert summary["agent"] == "ignition-py"
    # The target's journal: the agent's lines under identifier ignition with priorities,
    # and upstream's MESSAGE_ID records (fetched configs, the user whose keys were written).
    assert {
        "journal: ignition's lines (identifier ignition, info priority)",
        "journal: fetched-config records (MESSAGE_ID)",
        "journal: SSH-keys records (MESSAGE_ID)",
    } <= checked


def test_upstreams_binary_provisions_from_the_same_module(tmp_path: Path) -> None:
    """The drop-in contract the other way round: upstream v2.26.0's Go binary put in our
    module's place of the agent (`--agent upstream`) provisions the same config."""
    from tests.oracles import UPSTREAM, require

    require(UPSTREAM)  # skips, saying why, when the oracle is absent; fails under CI
    status, output, summary = boot(_config("from-upstream"), tmp_path, "--agent", "upstream")
    assert status == 0, output[-4000:]
    assert summary["agent"] == "upstream"
    assert "file /etc/from-upstream" in {c["what"] for c in summary["checks"]}
    assert "Ignition v2.26.0" in _serial(tmp_path)


def test_a_target_with_selinux_file_contexts_gets_its_paths_labelled(tmp_path: Path) -> None:
    """The target has a policy's file_contexts: the files stage ends with setfiles (from the
    initramfs) over what it wrote, and each path carries the label the contexts give it."""
    config = _config("labelled")
    config["storage"]["directories"] = [{"path": "/var/lib/labelled"}]
    status, output, summary = boot(config, tmp_path, "--selinux")
    assert status == 0, output[-4000:]
    labels = {c["what"]: c for c in summary["checks"] if c["what"].startswith("SELinux label")}
    assert set(labels) == {"SELinux label /etc/labelled", "SELinux label /var/lib/labelled"}
    assert all(c["ok"] for c in labels.values()), labels
    assert "etc_t" in labels["SELinux label /etc/labelled"]["detail"]


def test_a_read_only_root_is_remounted_and_provisioned(tmp_path: Path) -> None:
    """`ro` on the kernel command line (Debian's default): ignition-remount-sysroot makes
    /sysroot writable before the mount and files stages."""
    status, output, summary = boot(_config("from-ro-boot"), tmp_path, "--kernel-arg", "ro")
    assert status == 0, output[-4000:]
    stages = summary["stages_seconds"]
    assert "end" in stages["remount-sysroot"]
    assert stages["remount-sysroot"]["end"] <= stages["mount"]["start"]
    assert "file /etc/from-ro-boot" in {c["what"] for c in summary["checks"]}


def test_aws_imdsv2_through_the_link_local_address(tmp_path: Path) -> None:
    status, output, summary = boot(_config("from-aws"), tmp_path, "--platform", "aws")
    assert status == 0, output[-4000:]
    requests = summary["metadata_requests"]
    assert "PUT /latest/api/token" in requests
    assert "GET /2019-10-01/user-data" in requests
    # The harness, as the distribution, configured the network by DHCP (ip=dhcp).
    assert re.search(r"harness: network up: \S+\s+UP\s+169\.254\.", _serial(tmp_path))


STATIC_ADDRESS = "169.254.0.77"


def test_aws_fetch_over_a_static_ip_argument(tmp_path: Path) -> None:
    """A static `ip=` on the kernel command line replaces DHCP, and the fetch uses it."""
    status, output, summary = boot(
        _config("from-aws-static"), tmp_path, "--platform", "aws",
        "--kernel-arg", "ifname=harness0:52:54:00:12:34:56",
        "--kernel-arg", f"ip={STATIC_ADDRESS}::169.254.0.2:255.255.0.0::harness0:off",
    )  # fmt: skip
    assert status == 0, output[-4000:]
    assert "GET /2019-10-01/user-data" in summary["metadata_requests"]
    serial = _serial(tmp_path)
    up = re.search(r"harness: network up: (\S+)\s+UP\s+(\S+)", serial)
    assert up is not None, "the harness's network unit did not report"
    assert up.groups() == ("harness0", f"{STATIC_ADDRESS}/16")
    assert "DHCPv4 address" not in serial


def _serial(tmp_path: Path) -> str:
    return (tmp_path / "vm" / "serial.log").read_text(errors="replace")


def test_azure_provisioning_cdrom(tmp_path: Path) -> None:
    status, output, summary = boot(_config("from-azure"), tmp_path, "--platform", "azure")
    assert status == 0, output[-4000:]
    assert any(
        r.startswith("GET /metadata/instance/compute/userData")
        for r in summary["metadata_requests"]
    )


def test_bad_config_fails_the_boot_visibly_and_touches_no_disk(tmp_path: Path) -> None:
    config = {
        "ignition": {"version": "3.4.0"},
        "storage": {
            "disks": [{"device": "/dev/vdb", "wipeTable": True, "partitions": [{"label": "x"}]}],
            "files": [{"path": "etc/relative", "contents": {"source": "data:,x"}}],
        },
    }
    status, output, summary = boot(config, tmp_path)
    assert status == 1
    assert summary["failed_stage"] == "fetch-offline"
    assert "$.storage.files.0.path" in output
    assert "path not absolute" in output
    with (tmp_path / "vm" / "data.img").open("rb") as disk:
        while chunk := disk.read(16 << 20):
            assert not chunk.strip(b"\0"), "the data disk was written to"


FLATCAR = REPO / "tests" / "fixtures" / "flatcar"


@pytest.mark.parametrize("spec", ["3.4", "2.3"])
def test_flatcar_boot_from_the_oem_partition(tmp_path: Path, spec: str) -> None:
    """Flatcar's way: the module's flatcar flavour, flatcar.first_boot and flatcar.oem.id in
    place of upstream's arguments, the config at flatcar.config.url=oem://... on the OEM
    partition (mounted at /oem before the fetch stages), and a file whose contents are an
    oem:// source."""
    config = FLATCAR / f"oem-config-{spec}.ign"
    status, output, summary = boot(config, tmp_path, "--flatcar-oem", str(FLATCAR / "oem"))
    assert status == 0, output[-4000:]
    assert summary["flavour"] == "flatcar"
    checks = {c["what"]: c for c in summary["checks"]}
    assert checks["file /etc/flatcar-oem-motd"]["ok"], checks["file /etc/flatcar-oem-motd"]
    serial = _serial(tmp_path)
    assert "flatcar.config.url=oem:///harness/config.ign" in serial
    assert "ignition.firstboot" not in serial
    # the config came from the kernel command line (oem://), not from a fw_cfg entry
    assert "fetch" not in summary["stages_seconds"]


def test_flatcar_boot_with_the_oem_config_ign_as_user_config(tmp_path: Path) -> None:
    """A Flatcar image's own boot: no flatcar.config.url, the config is config.ign on the OEM
    partition, which the initramfs copies to the user config. The config reformats the OEM
    filesystem itself: the partition the initramfs set up must not be busy then."""
    config = FLATCAR / "oem-user-config-3.4.ign"
    status, output, summary = boot(
        config, tmp_path, "--flatcar-oem", str(FLATCAR / "oem"), "--oem-user-config"
    )
    assert status == 0, output[-4000:]
    checks = {c["what"]: c for c in summary["checks"]}
    for name in ("file /oem/reformatted", "file /etc/flatcar-user-config"):
        assert checks[name]["ok"], checks[name]
    serial = _serial(tmp_path)
    assert "flatcar.config.url" not in serial
    assert "Ignition (OEM partition setup)" in serial


def test_cloud_config_user_data_on_aws_boots_without_ignition_changes(tmp_path: Path) -> None:
    """User data that is a #cloud-config (Flatcar's patch 0011): Ignition takes it as no
    config, says so at info priority, and the boot goes on for cloud-init to use it."""
    user_data = FLATCAR / "user-data.cloud-config"
    status, output, summary = boot(user_data, tmp_path, "--platform", "aws")
    assert status == 0, output[-4000:]
    assert "GET /2019-10-01/user-data" in summary["metadata_requests"]
    checks = {c["what"]: c for c in summary["checks"]}
    assert set(checks) == {
        "target system booted (marker written after multi-user)",
        "journal: Ignition finished successfully",
        "journal: the user data was left to cloud-init (info line)",
    }
    assert all(c["ok"] for c in checks.values()), checks


def test_qemu_fw_cfg_provisions_a_butane_config(tmp_path: Path) -> None:
    """A Butane YAML config (examples/demo.bu) handed over fw_cfg as it is: the agent in
    the initramfs translates it (PyYAML staged in the payload) and the target shows the
    result, checked against the config's own translation."""
    status, output, summary = boot(REPO / "examples" / "demo.bu", tmp_path)
    assert status == 0, output[-4000:]
    assert summary["ok"] is True
    assert [c for c in summary["checks"] if not c["ok"]] == []
    checked = {c["what"] for c in summary["checks"]}
    assert {"file /etc/butane-demo/motd", "file /etc/butane-demo/short"} <= checked
