"""cryptsetup and clevis command lines for a LUKS2 volume, as upstream builds them."""

from __future__ import annotations

import json

from ..config.model import Luks


class LuksRuleError(Exception):
    """A volume ignition-py cannot make (cex off s390x, no device)."""


def check_supported(luks: Luks) -> None:
    """Raise LuksRuleError for a volume ignition-py cannot make."""
    if luks.cex is not None and luks.cex.enabled:
        raise LuksRuleError(f"luks {luks.name}: cex is only supported on s390x")
    if luks.device is None:
        raise LuksRuleError(f"luks {luks.name}: no device given")


def format_argv(luks: Luks, key_file: str, device: str) -> list[str]:
    """`cryptsetup luksFormat` as upstream builds it; the config's options last."""
    args = ["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--key-file", key_file]
    if luks.label:
        args += ["--label", luks.label]
    if luks.uuid:
        args += ["--uuid", luks.uuid]
    return [*args, *luks.options, device]


def open_argv(luks: Luks, device: str, key_file: str) -> list[str]:
    """`cryptsetup luksOpen` to /dev/mapper/NAME as upstream's luksOpenArgs builds it, for
    a new volume and a reused one alike. `--persistent` stores the discard flag and the
    open options in the LUKS2 header (clevis luks unlock has no discard option, and the
    crypttab line carries neither); the reuse check reads the flag back."""
    args = ["cryptsetup", "luksOpen", device, luks.name, "--key-file", key_file, "--persistent"]
    if luks.discard:
        args.append("--allow-discards")
    return [*args, *luks.open_options]


def clevis_pin_and_config(luks: Luks) -> tuple[str, str]:
    """The pin and JSON config for `clevis luks bind`: a custom pin verbatim, else sss."""
    clevis = luks.clevis
    assert clevis is not None
    if clevis.custom is not None and clevis.custom.pin:
        return clevis.custom.pin, clevis.custom.config or ""
    pins: dict[str, object] = {}
    tangs = []
    for tang in clevis.tang:
        entry: dict[str, object] = {"url": tang.url}
        if tang.thumbprint:
            entry["thp"] = tang.thumbprint
        if tang.advertisement:
            entry["adv"] = json.loads(tang.advertisement)
        tangs.append(entry)
    if tangs or not clevis.tpm2:
        pins["tang"] = tangs
    if clevis.tpm2:
        pins["tpm2"] = {}
    config = {"t": clevis.threshold if clevis.threshold is not None else 1, "pins": pins}
    return "sss", json.dumps(config, separators=(",", ":"))


def reopens_after_bind(luks: Luks) -> bool:
    """Whether upstream closes the volume after `clevis luks bind` and opens it again
    with `clevis luks unlock`: only when the pins clevis can reach unaided (tang servers
    whose advertisement the config does not carry, tpm2) meet the threshold. A custom pin
    counts no pin, so it reopens only with threshold 0 (0 >= 0, as upstream)."""
    clevis = luks.clevis
    assert clevis is not None
    reachable = sum(1 for tang in clevis.tang if not tang.advertisement) + int(bool(clevis.tpm2))
    return reachable >= (clevis.threshold if clevis.threshold is not None else 1)


def bind_argv(luks: Luks, device: str, key_file: str) -> list[str]:
    """`clevis luks bind` with the pin and config of clevis_pin_and_config."""
    pin, config = clevis_pin_and_config(luks)
    return ["clevis", "luks", "bind", "-f", "-k", key_file, "-d", device, pin, config]
