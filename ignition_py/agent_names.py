"""The values the agent accepts for -platform (upstream v2.26.0's, and ionoscloud from
upstream's main branch) and -stage. The agent's flags check them without importing any
stage or provider. stages/registered.py imports one module per stage
(statically: the initramfs payload finds modules by reading imports)."""

from __future__ import annotations

UPSTREAM_PLATFORMS: tuple[str, ...] = (
    "akamai", "aliyun", "applehv", "aws", "azure", "azurestack", "brightbox", "cloudstack",
    "digitalocean", "exoscale", "file", "gcp", "hetzner", "hyperv", "ibmcloud",
    "ionoscloud", "kubevirt", "metal", "nutanix", "nvidiabluefield", "openstack",
    "oraclecloud", "packet", "powervs", "proxmoxve", "qemu", "scaleway", "upcloud",
    "virtualbox", "vmware", "vultr", "zvm",
)  # fmt: skip

# Flatcar's platform names the agent also takes, for the upstream platform each becomes:
# the renames its initramfs makes of flatcar.oem.id (ec2, ami, gce, pxe), and the platforms its
# Ignition 0.36 had with no config source but the kernel command line (metal's behaviour).
FLATCAR_PLATFORM_ALIASES: dict[str, str] = {
    "ec2": "aws", "ami": "aws", "gce": "gcp", "pxe": "metal", "vagrant-virtualbox": "virtualbox",
    "cloudsigma": "metal", "interoute": "metal", "niftycloud": "metal", "rackspace": "metal",
    "rackspace-onmetal": "metal", "vagrant": "metal",
}  # fmt: skip

# The one stage table, in the order a boot runs them: the stages that acquire the config
# (stage.RUNNERS), then those that plan from it (stage.PLANNERS; `ignition-py plan` order).
ACQUIRING: tuple[str, ...] = ("fetch-offline", "fetch")
PLANNING: tuple[str, ...] = ("kargs", "disks", "mount", "files", "umount")
STAGES: tuple[str, ...] = tuple(sorted(ACQUIRING + PLANNING))
