"""Imports every provider module so that each registers its platforms."""

from __future__ import annotations

from . import (  # noqa: F401
    akamai,
    aws,
    azure,
    configdrives,
    file,
    ionoscloud,
    metadata_services,
    metal,
    nvidiabluefield,
    openstack,
    qemu,
    scaleway,
    vmware,
)
