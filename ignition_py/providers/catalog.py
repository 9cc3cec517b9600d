"""Which provider module registers which platforms, so that a stage imports only the
provider of its own platform (every module costs the stage's start, at boot, under TCG)."""

from __future__ import annotations

import importlib

PROVIDER_MODULES: dict[str, tuple[str, ...]] = {
    "akamai": ("akamai",),
    "aws": ("aws",),
    "azure": ("azure", "azurestack"),
    "configdrives": ("ibmcloud", "kubevirt", "nutanix", "powervs", "proxmoxve"),
    "file": ("file",),
    "ionoscloud": ("ionoscloud",),
    "metadata_services": (
        "aliyun",
        "digitalocean",
        "exoscale",
        "gcp",
        "hetzner",
        "oraclecloud",
        "packet",
        "upcloud",
        "vultr",
    ),
    "metal": ("metal",),
    "nvidiabluefield": ("nvidiabluefield",),
    "openstack": ("brightbox", "cloudstack", "openstack"),
    "qemu": ("qemu",),
    "scaleway": ("scaleway",),
    "vmware": ("vmware",),
}


def load(platform: str) -> None:
    """Import the provider module that registers `platform`; every provider module when
    none is listed for it (so that an unknown name is looked up among them all)."""
    modules = [m for m, names in PROVIDER_MODULES.items() if platform in names]
    for module in modules or PROVIDER_MODULES:
        importlib.import_module(f"{__package__}.{module}")
