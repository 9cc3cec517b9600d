"""Random Butane configs for the sugar differential: sugar sections (boot_device, grub,
openshift) and the user storage the variant checks look at. Every value is valid for base
translation, so every problem Butane reports is one desugar should report too."""

from __future__ import annotations

import random
from typing import Any

VERSIONS = {
    "fcos": ["1.0.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0", "1.6.0", "1.7.0", "1.8.0-experimental"],
    "openshift": ["4.8.0", "4.10.0", "4.13.0", "4.14.0", "4.19.0", "4.20.0", "4.23.0-experimental"],
    "flatcar": ["1.0.0", "1.1.0", "1.2.0-experimental"],
    "r4e": ["1.0.0", "1.1.0", "1.2.0-experimental"],
    "fiot": ["1.0.0", "1.1.0-experimental"],
}
LAYOUTS = ["x86_64", "aarch64", "ppc64le", "s390x-eckd", "s390x-zfcp", "s390x-virt", "riscv"]
TANG = [
    {"url": "http://t1", "thumbprint": "a"},
    {"url": "http://t2", "thumbprint": "b", "advertisement": "{}"},
    {"url": "http://t3", "thumbprint": "c"},
]
HASH = "grub.pbkdf2.sha512.10000.AA.BB"
ROLE = "machineconfiguration.openshift.io/role"


def config(rng: random.Random) -> dict[str, Any]:
    """One random config (JSON-compatible, so YAML too)."""
    variant = rng.choice(sorted(VERSIONS))
    cfg: dict[str, Any] = {"variant": variant, "version": rng.choice(VERSIONS[variant])}
    if variant in ("fcos", "openshift"):
        if rng.random() < 0.7:
            cfg["boot_device"] = _boot_device(rng)
        if rng.random() < 0.4:
            users = [{"name": f"u{i}", "password_hash": HASH} for i in range(rng.randint(0, 3))]
            cfg["grub"] = {"users": users}
    if variant == "openshift":
        if rng.random() < 0.9:
            cfg["metadata"] = {"name": "n", "labels": {ROLE: "worker"}}
        cfg["openshift"] = _openshift(rng)
    storage = _storage(rng)
    if storage:
        cfg["storage"] = storage
    if rng.random() < 0.2:
        cfg["passwd"] = {"users": [{"name": rng.choice(["core", "bob"])}]}
    if variant in ("r4e", "fiot") and rng.random() < 0.3:
        cfg["kernel_arguments"] = {"should_exist": rng.choice([[], ["quiet"]])}
    return cfg


def _boot_device(rng: random.Random) -> dict[str, Any]:
    bd: dict[str, Any] = {}
    if rng.random() < 0.7:
        bd["layout"] = rng.choice(LAYOUTS)
    luks: dict[str, Any] = {}
    if rng.random() < 0.5:
        luks["tpm2"] = rng.choice([True, False])
    if rng.random() < 0.4:
        luks["tang"] = rng.sample(TANG, rng.randint(1, 3))
    if rng.random() < 0.3:
        luks["threshold"] = rng.randint(0, 3)
    if rng.random() < 0.3:
        luks["discard"] = rng.choice([True, False])
    if rng.random() < 0.3:
        luks["device"] = rng.choice(["/dev/dasda", "/dev/sdb", "/dev/vda"])
    if rng.random() < 0.3:
        luks["cex"] = {"enabled": rng.choice([True, False])}
    if luks:
        bd["luks"] = luks
    if rng.random() < 0.5:
        bd["mirror"] = {"devices": ["/dev/sda", "/dev/sdb", "/dev/sdc"][: rng.randint(0, 3)]}
    return bd


def _openshift(rng: random.Random) -> dict[str, Any]:
    section: dict[str, Any] = {}
    if rng.random() < 0.3:
        section["fips"] = rng.choice([True, False])
    if rng.random() < 0.3:
        section["kernel_arguments"] = rng.choice([[], ["rd.luks.key=/etc/luks/cex.key"], ["x"]])
    if rng.random() < 0.2:
        section["kernel_type"] = rng.choice(["", "default", "realtime"])
    return section


def _storage(rng: random.Random) -> dict[str, Any]:
    storage: dict[str, Any] = {}
    if rng.random() < 0.4:
        devices = ["/dev/sda", "/dev/sdb", "/dev/sdc", "/dev/disk/by-id/coreos-boot-disk"]
        storage["disks"] = [_disk(rng, d) for d in rng.sample(devices, rng.randint(1, 2))]
    if rng.random() < 0.3:
        storage["filesystems"] = [
            _filesystem(rng, c) for c in rng.sample("pqrs", rng.randint(1, 2))
        ]
    if rng.random() < 0.2:
        clevis = rng.choice([{"tpm2": True}, {"tpm2": False}, {}])
        storage["luks"] = [
            {"name": rng.choice(["data", "root"]), "device": "/dev/sdz", "clevis": clevis}
        ]
    if rng.random() < 0.2:
        contents = rng.choice([{"inline": "x"}, {"source": "https://e/x"}, {"source": "data:,x"}])
        storage["files"] = [
            {"path": "/etc/f", "mode": rng.choice([0o644, 0o4755]), "contents": contents}
        ]
    return storage


def _disk(rng: random.Random, device: str) -> dict[str, Any]:
    partitions = []
    labels = rng.sample(["root", "boot", "data", "EFI-SYSTEM", "var"], rng.randint(1, 3))
    for k, label in enumerate(labels):
        partition: dict[str, Any] = {"label": label}
        if rng.random() < 0.5:
            partition["number"] = rng.randint(1, 6) + 10 * k
        if rng.random() < 0.4:
            partition["size_mib"] = rng.choice([0, 100, 8192, 10000])
        if rng.random() < 0.3:
            partition["start_mib"] = rng.choice([0, 100])
        partitions.append(partition)
    disk: dict[str, Any] = {"device": device, "partitions": partitions}
    if rng.random() < 0.4:
        disk["wipe_table"] = rng.choice([True, False])
    return disk


def _filesystem(rng: random.Random, letter: str) -> dict[str, Any]:
    fs: dict[str, Any] = {
        "device": f"/dev/sd{letter}1",
        "format": rng.choice(["xfs", "ext4", "btrfs"]),
    }
    if rng.random() < 0.5:
        fs["path"] = rng.choice(["/var/lib/x", "/opt/y", "/etc/z"])
        fs["with_mount_unit"] = rng.choice([True, False])
    return fs
