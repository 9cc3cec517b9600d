"""openshift variant in raw mode (`butane --raw`, Butane v0.29.0 config/openshift/v4_*):
metadata and openshift sections checked then dropped, and the MachineConfig checks."""

from __future__ import annotations

import re

from ignition_py.butane.sugar import messages
from ignition_py.butane.sugar.keyed import merged_positions
from ignition_py.butane.sugar.shape import Path, Reader, dicts_at
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

ROLE_LABEL = "machineconfiguration.openshift.io/role"
_CEX_KARG = "rd.luks.key=/etc/luks/cex.key"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# JSON names of the MachineConfig spec fields the openshift section fills.
_SPEC_FIELDS = ("extensions", "fips", "kernel_arguments", "kernel_type")
_FIPS_CIPHER = ["--cipher", "aes-cbc-essiv:sha256"]
# openshift 4.N.0 minor versions where a behaviour starts or ends (Butane v0.29.0).
SPECIAL_MODE_CHECK_FROM = 10
FORMAT_NONE_CHECK_FROM = 14
CEX_KARG_CHECK_FROM = 19
FIPS_CIPHER_UNTIL = 19
GRUB_CONTENTS_FROM = 23


class OpenShift:
    """The metadata and openshift sections as read."""

    __slots__ = ("fields", "kernel_arguments", "kernel_type", "name", "role")

    def __init__(self) -> None:
        self.fields: dict[str, Any] = {}
        self.kernel_arguments: list[str] = []
        self.kernel_type: str | None = None
        self.name: str | None = None
        self.role: object = None


def read(reader: Reader, tree: dict[str, Any]) -> OpenShift:
    """Read the metadata and openshift sections."""
    out = OpenShift()
    metadata = reader.mapping(tree.get("metadata"), ("metadata",), ("name", "labels"))
    out.name = reader.string(metadata.get("name"), ("metadata", "name"))
    labels = metadata.get("labels")
    out.role = labels.get(ROLE_LABEL) if isinstance(labels, dict) else None
    section = reader.mapping(tree.get("openshift"), ("openshift",), _SPEC_FIELDS)
    out.fields = section
    out.kernel_arguments = reader.strings(
        section.get("kernel_arguments"), ("openshift", "kernel_arguments")
    )
    reader.strings(section.get("extensions"), ("openshift", "extensions"))
    reader.boolean(section.get("fips"), ("openshift", "fips"))
    out.kernel_type = reader.string(section.get("kernel_type"), ("openshift", "kernel_type"))
    return out


def validate_config(
    reader: Reader, tree: dict[str, Any], section: OpenShift, minor: int, boot_cex: bool
) -> None:
    """openshift's Config.Validate (4.19.0+): CEX needs its key file kernel argument."""
    if minor < CEX_KARG_CHECK_FROM:
        return
    root_cex = any(
        luks.get("name") == "root" and dict_true(luks.get("cex"), "enabled")
        for _, luks in dicts_at(tree, "storage", "luks")
    )
    for wanted in (boot_cex, root_cex):
        if wanted and _CEX_KARG not in section.kernel_arguments:
            path: Path = ("openshift", "kernel_arguments")
            reader.error(path, messages.MISSING_KERNEL_ARGUMENT_CEX)


def validate_sections(reader: Reader, section: OpenShift) -> None:
    """Metadata.Validate and OpenShift.Validate (run even when the sections are absent)."""
    if not section.name:
        reader.error(("metadata", "name"), messages.NAME_REQUIRED)
    if section.role is None or section.role == "":
        reader.error(("metadata", "labels"), messages.ROLE_REQUIRED)
    if section.kernel_type not in (None, "", "default", "realtime"):
        reader.error(("openshift", "kernel_type"), messages.INVALID_KERNEL_TYPE)


def dict_true(value: object, key: str) -> bool:
    return isinstance(value, dict) and value.get(key) is True


def warn_elided(reader: Reader, section: OpenShift) -> None:
    """Raw mode drops the MachineConfig-only fields, with a warning for each one set."""
    for key in ("kernel_arguments", "extensions", "fips", "kernel_type"):
        if section.fields.get(key) is not None:
            reader.warn(("openshift", key), messages.FIELD_ELIDED)


def check_machine_config(
    reader: Reader, tree: dict[str, Any], fragment_storage: dict[str, Any], minor: int
) -> None:
    """validateRHCOSSupport and validateMCOSupport. Butane reports these in JSON space under
    spec.config (no YAML mapping in raw mode), so the paths carry the merged config's indices."""
    filesystems = dicts_at(tree, "storage", "filesystems")
    fs_at = merged_positions(
        [fs["device"] for fs in fragment_storage.get("filesystems", [])],
        [fs.get("device") for _, fs in filesystems],
    )
    # checked in the merged config's order
    formats = sorted(
        ((fs.get("format"), i) for (_, fs), i in zip(filesystems, fs_at, strict=True)),
        key=lambda item: item[1],
    )
    for format_, i in formats:
        if format_ == "btrfs":
            path = ("spec", "config", "storage", "filesystems", i, "format")
            reader.error(path, messages.BTRFS_SUPPORT)
    for format_, i in formats:
        if format_ == "none" and minor >= FORMAT_NONE_CHECK_FROM:
            path = ("spec", "config", "storage", "filesystems", i, "format")
            reader.error(path, messages.FILESYSTEM_NONE_SUPPORT)
    files = dicts_at(tree, "storage", "files")
    file_at = merged_positions(
        [f["path"] for f in fragment_storage.get("files", [])], [f.get("path") for _, f in files]
    )
    for (_, file), i in sorted(zip(files, file_at, strict=True), key=lambda item: item[1]):
        base = ("spec", "config", "storage", "files", i)
        contents = file.get("contents")
        source = contents.get("source") if isinstance(contents, dict) else None
        # a URL Go cannot parse is left to Ignition's validation
        parsable = isinstance(source, str) and not source.startswith(":")
        if parsable and _scheme(str(source)) != "data":
            reader.error((*base, "contents", "source"), messages.FILE_SCHEME_SUPPORT)
        mode = file.get("mode")
        if minor >= SPECIAL_MODE_CHECK_FROM and isinstance(mode, int) and mode & ~0o777:
            reader.error((*base, "mode"), messages.FILE_SPECIAL_MODE_SUPPORT)
    for i, user in dicts_at(tree, "passwd", "users"):
        if user.get("name") != "core":
            path = ("spec", "config", "passwd", "users", i, "name")
            reader.error(path, messages.USER_NAME_SUPPORT)


def _scheme(url: str) -> str:
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def add_fips_options(tree: dict[str, Any], fragment_storage: dict[str, Any]) -> dict[str, Any]:
    """openshift 4.8-4.19 with fips: true add a FIPS cipher to every LUKS volume without one,
    in place (after the merge): the sugar's volume and the user's. Returns the new tree."""
    for volume in fragment_storage.get("luks", []):
        volume["options"] = [*volume.get("options", []), *_FIPS_CIPHER]
    storage = tree.get("storage")
    if not isinstance(storage, dict) or not isinstance(storage.get("luks"), list):
        return tree
    volumes = []
    for volume in storage["luks"]:
        if isinstance(volume, dict):
            options = volume.get("options") or []
            if not any(_is_cipher(o) for o in options):
                volume = {**volume, "options": [*options, *_FIPS_CIPHER]}
        volumes.append(volume)
    return {**tree, "storage": {**storage, "luks": volumes}}


def _is_cipher(option: object) -> bool:
    return isinstance(option, str) and (
        option in ("--cipher", "-c") or option.startswith("--cipher=")
    )


def grub_append_to_contents(tree: dict[str, Any], fragment_storage: dict[str, Any]) -> None:
    """The MCO does not support append: the grub sugar's user.cfg gets contents instead,
    unless the user's config also appends to that file."""
    from ignition_py.butane.sugar.grub import USER_CFG

    for _, file in dicts_at(tree, "storage", "files"):
        if file.get("path") == USER_CFG and file.get("append"):
            return
    for file in fragment_storage.get("files", []):
        if file["path"] == USER_CFG and len(file.get("append", [])) == 1:
            file["contents"] = file.pop("append")[0]
            return
