"""The values the agent accepts for -platform (upstream v2.26.0's, and ionoscloud from
upstream's main branch) and -stage. The agent's flags check them without importing any
stage or provider."""

from __future__ import annotations

UPSTREAM_PLATFORMS: tuple[str, ...] = (
    "akamai", "aliyun", "applehv", "aws", "azure", "azurestack", "brightbox", "cloudstack",
    "digitalocean", "exoscale", "file", "gcp", "hetzner", "hyperv", "ibmcloud",
    "ionoscloud", "kubevirt", "metal", "nutanix", "nvidiabluefield", "openstack",
    "oraclecloud", "packet", "powervs", "proxmoxve", "qemu", "scaleway", "upcloud",
    "virtualbox", "vmware", "vultr", "zvm",
)  # fmt: skip

STAGES: tuple[str, ...] = (
    "disks", "fetch", "fetch-offline", "files", "kargs", "mount", "umount",
)  # fmt: skip
