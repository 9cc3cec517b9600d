"""Canonical newest-spec tree <-> frozen model."""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING
from .fields import Kind, field_specs

if TYPE_CHECKING:
    from typing import Any, TypeVar

    T = TypeVar("T")

_EMPTY_SCALARS: dict[Kind | None, object] = {Kind.STRING: "", Kind.INTEGER: 0, Kind.BOOLEAN: False}


def build(cls: type[T], data: Any) -> T:
    """Build a model object; items of the wrong type (already reported) read as empty."""
    if not isinstance(data, dict):
        return cls()
    values: dict[str, Any] = {}
    for spec in field_specs(cls):  # type: ignore[arg-type]
        raw = data.get(spec.key)
        if raw is None:
            continue
        if spec.kind is Kind.OBJECT:
            assert spec.cls is not None
            values[spec.attr] = build(spec.cls, raw)
        elif spec.kind is Kind.LIST:
            if spec.item_kind is Kind.OBJECT:
                item_cls = spec.cls
                assert item_cls is not None
                values[spec.attr] = tuple(build(item_cls, item) for item in raw)
            else:
                empty = _EMPTY_SCALARS[spec.item_kind]
                wanted = type(empty)
                values[spec.attr] = tuple(item if type(item) is wanted else empty for item in raw)
        else:
            values[spec.attr] = raw
    return cls(**values)


def render(obj: object) -> dict[str, Any]:
    """The model back to canonical JSON: unset fields and empty lists are left out."""
    out: dict[str, Any] = {}
    for spec in field_specs(type(obj)):  # type: ignore[arg-type]
        value = getattr(obj, spec.attr)
        if value is None or value == ():
            continue
        if spec.kind is Kind.OBJECT:
            value = render(value)
        elif spec.item_kind is Kind.OBJECT:
            value = [render(item) for item in value]
        elif spec.kind is Kind.LIST:
            value = list(value)
        out[spec.key] = value
    return out
