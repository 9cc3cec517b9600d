"""Upstream Ignition's platform names (docs/supported-platforms.md)."""

from __future__ import annotations

UPSTREAM_PLATFORMS: tuple[str, ...] = (
    "akamai", "aliyun", "applehv", "aws", "azure", "azurestack", "brightbox", "cloudstack",
    "digitalocean", "exoscale", "file", "gcp", "hetzner", "hyperv", "ibmcloud", "ionoscloud",
    "kubevirt", "metal", "nutanix", "openstack", "oraclecloud", "packet", "powervs",
    "proxmoxve", "qemu", "scaleway", "upcloud", "virtualbox", "vmware", "vultr", "zvm",
)  # fmt: skip

STAGES: tuple[str, ...] = (
    "disks", "fetch", "fetch-offline", "files", "kargs", "mount", "umount",
)  # fmt: skip
