"""Azure's provisioning CD-ROM for real: a UDF image holding ovf-env.xml and
CustomData.bin, attached as the guest's CD-ROM drive (/dev/sr0). In one guest boot the
azure provider (IMDS unreachable there, so it falls back to the CD-ROM after
-fetch-timeout) and the azurestack provider find the disc with blkid, check that it is a
CD-ROM with a disc, mount it read-only and cache its CustomData.bin. A virtio disk with
a UDF filesystem must be ignored: it is not a CD-ROM."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.vm.guest import guest_unavailable_reason, run_in_guest

REPO = Path(__file__).resolve().parents[2]
AGENT = REPO / ".venv" / "bin" / "ignition"
OVF_ENV = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1">'
    "<ProvisioningSection/></Environment>\n"
)

pytestmark = pytest.mark.vm


def config(marker: str) -> bytes:
    files = [{"path": f"/{marker}", "contents": {"source": f"data:,{marker}"}}]
    return json.dumps({"ignition": {"version": "3.3.0"}, "storage": {"files": files}}).encode()


def udf_image(folder: Path, name: str, marker: str) -> Path:
    content = folder / f"{name}-content"
    content.mkdir()
    (content / "ovf-env.xml").write_text(OVF_ENV)
    (content / "CustomData.bin").write_bytes(config(marker))
    image = folder / f"{name}.iso"
    subprocess.run(
        ["genisoimage", "-quiet", "-udf", "-V", "rd_rdfe_stable", "-o", str(image), str(content)],
        check=True,
    )
    return image


def stage_script(platform: str, stage: str, tag: str) -> str:
    work = f"/run/azure-{tag}"
    argv = [
        str(AGENT), "-platform", platform, "-stage", stage, "-config-cache", f"{work}/cache.json",
        "-neednet", f"{work}/neednet", "-fetch-timeout", "5s", "-log-to-stdout",
    ]  # fmt: skip
    return "\n".join(
        [
            f"mkdir -p {work}/system && : > {work}/cmdline",
            f"IGNITION_SYSTEM_CONFIG_DIR={work}/system IGNITION_KERNEL_CMDLINE_PATH={work}/cmdline "
            f"{shlex.join(argv)}; echo RC-{tag}=$?",
            f"echo CACHE-{tag}=$(cat {work}/cache.json 2>/dev/null)",
        ]
    )


def test_azure_and_azurestack_read_the_provisioning_cdrom(tmp_path: Path) -> None:
    reason = guest_unavailable_reason()
    if reason:
        print(reason)
        pytest.skip(reason)
    cdrom = udf_image(tmp_path, "provisioning", "from-cdrom")
    decoy = tmp_path / "decoy.img"  # a UDF filesystem on a plain disk: blkid lists it
    with decoy.open("wb") as image:
        image.truncate(16 * 1024 * 1024)
    subprocess.run(["mkudffs", "--media-type=hd", str(decoy)], check=True, capture_output=True)
    probe = (
        "from ignition_py.log import Logger; "
        "from ignition_py.providers.devices import devices_with_fstype, is_cdrom_with_disc; "
        "log = Logger('probe'); "
        "print('UDF-DEVICES=' + ','.join(sorted(devices_with_fstype('udf', log)))); "
        "print('CDROM-VDA=' + str(is_cdrom_with_disc('/dev/vda', log))); "
        "print('CDROM-SR0=' + str(is_cdrom_with_disc('/dev/sr0', log)))"
    )
    script = "\n".join(
        [
            stage_script("azure", "fetch", "azure"),
            stage_script("azurestack", "fetch", "stack"),
            f"cd {REPO} && {REPO}/.venv/bin/python -c {shlex.quote(probe)}",
        ]
    )
    result = run_in_guest(["sh", "-c", script], disks=[decoy], cdrom=cdrom, timeout=300.0)
    assert result.returncode == 0, result.output
    for tag in ("azure", "stack"):
        assert f"RC-{tag}=0" in result.output, result.output
        line = next(x for x in result.output.splitlines() if x.startswith(f"CACHE-{tag}="))
        cached = json.loads(line.split("=", 1)[1])
        assert [f["path"] for f in cached["storage"]["files"]] == ["/from-cdrom"]
    assert "config has been read from custom data" in result.output
    assert "UDF-DEVICES=/dev/sr0,/dev/vda" in result.output
    assert "CDROM-VDA=False" in result.output and "CDROM-SR0=True" in result.output
    assert "falling back to custom data" in result.output
