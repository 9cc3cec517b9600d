"""How each platform hands the config to the VM: fw_cfg, a metadata service, a CD-ROM."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .metadata import MetadataServer, aws_imds, azure_imds
from .shell import run

PLATFORMS = ("qemu", "aws", "azure")


@dataclass
class Delivery:
    fw_cfg_config: Path | None = None
    cdrom: Path | None = None
    metadata: MetadataServer | None = None
    # What the distribution (the harness) puts on the kernel command line for the platform.
    kernel_args: tuple[str, ...] = ()


# Platforms whose config comes over the network: the distribution configures it by DHCP.
NETWORK_ARGS = ("ip=dhcp", "rd.neednet=1")


def azure_provisioning_cd(config: bytes, out: Path) -> Path:
    """Azure's provisioning media: UDF (with an ISO 9660 bridge), ovf-env.xml and
    CustomData.bin at its root."""
    tree = out / "azure-cd"
    tree.mkdir(exist_ok=True)
    (tree / "ovf-env.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1">'
        "<wa:ProvisioningSection><LinuxProvisioningConfigurationSet>"
        "<HostName>harness</HostName><CustomData>(in CustomData.bin)</CustomData>"
        "</LinuxProvisioningConfigurationSet></wa:ProvisioningSection></Environment>\n"
    )
    (tree / "CustomData.bin").write_bytes(config)
    image = out / "azure-provisioning.iso"
    run(["genisoimage", "-quiet", "-udf", "-V", "rd_rdfe_stable", "-o", str(image), str(tree)])
    return image


def delivery_for(platform: str, config: Path, out: Path) -> Delivery:
    data = config.read_bytes()
    if platform == "qemu":
        return Delivery(fw_cfg_config=config)
    if platform == "aws":
        return Delivery(metadata=aws_imds(data), kernel_args=NETWORK_ARGS)
    if platform == "azure":
        # IMDS answers with no userData, so the agent falls back to the CD-ROM, as on Azure.
        return Delivery(
            cdrom=azure_provisioning_cd(data, out),
            metadata=azure_imds(None),
            kernel_args=NETWORK_ARGS,
        )
    raise ValueError(f"unknown platform {platform!r}: one of {', '.join(PLATFORMS)}")
