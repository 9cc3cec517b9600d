"""Fields a variant refuses in the translated config (Butane v0.29.0 FieldFilters):
flatcar (clevis; cex in 1.2.0-experimental), r4e and fiot (disks, filesystems, luks, raid,
kernel arguments)."""

from __future__ import annotations

from ignition_py.butane.sugar import messages
from ignition_py.butane.sugar.shape import Reader, dict_at, dicts_at
from ignition_py.typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

_NO_STORAGE_LAYOUT = (
    ("disks", messages.DISK_SUPPORT),
    ("filesystems", messages.FILESYSTEM_SUPPORT),
    ("luks", messages.LUKS_SUPPORT),
    ("raid", messages.RAID_SUPPORT),
)


def check(reader: Reader, variant: str, version: str, tree: dict[str, Any]) -> None:
    """Add the errors ``variant`` ``version``'s field filters raise on ``tree``."""
    if variant == "flatcar":
        field, message = (
            ("cex", messages.CEX_NOT_SUPPORTED)
            if version.endswith("-experimental")
            else ("clevis", messages.CLEVIS_SUPPORT)
        )
        for i, volume in dicts_at(tree, "storage", "luks"):
            if not is_empty(volume.get(field)):
                reader.error(("storage", "luks", i, field), message)
    elif variant in ("r4e", "fiot"):
        # the filters walk the output in its field order: kernelArguments, then storage
        if not is_empty(tree.get("kernel_arguments")):
            reader.error(("kernel_arguments",), messages.KERNEL_ARGUMENT_SUPPORT)
        storage = dict_at(tree, "storage")
        for key, message in _NO_STORAGE_LAYOUT:
            if not is_empty(storage.get(key)):
                reader.error(("storage", key), message)


def is_empty(value: object) -> bool:
    """Butane's FieldFilters.isEmpty on YAML data: unset, empty lists, and mappings whose
    fields are all empty. A scalar that is set counts, even "" or false: the filtered fields'
    scalars are all pointers in Ignition's types."""
    if value is None:
        return True
    if isinstance(value, list):
        return len(value) == 0
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False
