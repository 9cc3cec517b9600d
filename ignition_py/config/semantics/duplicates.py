"""Entries given twice in a list (upstream's ValidateDups pass): in every list of every
object, the second and later occurrences of a key are errors. The lists are found from the
model, as upstream finds them by reflection, with the item key, key space and repeats
each list declares on its field (the same ones merging reads)."""

from __future__ import annotations

from ...typecheck import TYPE_CHECKING
from ..fields import Kind, field_specs
from ..model import Config
from ..report import JsonPath
from . import messages
from .problems import Problems

if TYPE_CHECKING:
    from typing import Any


def _walk(obj: Any, path: JsonPath, problems: Problems) -> None:
    cls: type = type(obj)
    seen: dict[str, set[object]] = {}
    for spec in field_specs(cls):
        value = getattr(obj, spec.attr)
        if spec.kind is Kind.OBJECT and value is not None:
            _walk(value, (*path, spec.key), problems)
        if spec.kind is not Kind.LIST or not value:
            continue
        here = (*path, spec.key)
        if spec.item_kind is Kind.OBJECT:
            for i, item in enumerate(value):
                _walk(item, (*here, i), problems)
        if spec.repeats or spec.item_key is None:
            continue
        keys = seen.setdefault(spec.key_space, set())
        for i, item in enumerate(value):
            k = spec.item_key(item)
            if k in keys:
                problems.error((*here, i), messages.DUPLICATE)
            keys.add(k)


def check_duplicates(config: Config, problems: Problems) -> None:
    _walk(config, (), problems)
