"""Entries given twice in a list (upstream's ValidateDups pass): in every list of every
object, the second and later occurrences of a key are errors. The lists are found from the
model, as upstream finds them by reflection; a few lists share one key space (files,
directories and links; kernel arguments that should and should not exist) and a few
allow repeats (upstream's IgnoreDuplicates)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..fields import Kind, field_specs
from ..model import (
    Config,
    Directory,
    Disk,
    Dropin,
    File,
    Filesystem,
    HTTPHeader,
    KernelArguments,
    Link,
    Luks,
    Partition,
    PasswdGroup,
    PasswdUser,
    Raid,
    Resource,
    Storage,
    Tang,
    Unit,
)
from ..report import JsonPath
from . import messages
from .problems import Problems


def _partition_key(partition: Partition) -> str:
    if partition.number:
        return f"number:{partition.number}"
    if partition.label is not None:
        return f"label:{partition.label}"
    return ""


# Key() of each keyed type; lists of strings are keyed by the string.
_KEYS: dict[type, Callable[[Any], object]] = {
    Resource: lambda r: r.source or "",
    HTTPHeader: lambda h: h.name,
    Tang: lambda t: t.url,
    Disk: lambda d: d.device,
    Partition: _partition_key,
    Raid: lambda r: r.name,
    Luks: lambda luks: luks.name,
    Filesystem: lambda f: f.device,
    File: lambda n: n.path,
    Directory: lambda n: n.path,
    Link: lambda n: n.path,
    PasswdUser: lambda u: u.name,
    PasswdGroup: lambda g: g.name,
    Unit: lambda u: u.name,
    Dropin: lambda d: d.name,
}
_REPEATS_ALLOWED = {
    (File, "append"),
    (Filesystem, "options"),
    (Filesystem, "mountOptions"),
    (Raid, "options"),
    (Luks, "options"),
}
_SHARED_KEY_SPACE = {
    (Storage, "directories"): "node",
    (Storage, "files"): "node",
    (Storage, "links"): "node",
    (KernelArguments, "shouldExist"): "kernelArgument",
    (KernelArguments, "shouldNotExist"): "kernelArgument",
}


def _same(item: object) -> object:
    return item


def _walk(obj: Any, path: JsonPath, problems: Problems) -> None:
    cls: type = type(obj)
    seen: dict[str, set[object]] = {}
    for spec in field_specs(cls):
        value = getattr(obj, spec.attr)
        if spec.kind is Kind.OBJECT and value is not None:
            _walk(value, (*path, spec.key), problems)
        if spec.kind is not Kind.LIST:
            continue
        here = (*path, spec.key)
        if spec.item_kind is Kind.OBJECT:
            for i, item in enumerate(value):
                _walk(item, (*here, i), problems)
        if (cls, spec.key) in _REPEATS_ALLOWED:
            continue
        keys = seen.setdefault(_SHARED_KEY_SPACE.get((cls, spec.key), spec.key), set())
        key = _KEYS[spec.cls] if spec.cls is not None else _same
        for i, item in enumerate(value):
            k = key(item)
            if k in keys:
                problems.error((*here, i), messages.DUPLICATE)
            keys.add(k)


def check_duplicates(config: Config, problems: Problems) -> None:
    _walk(config, (), problems)
