"""A frozen dataclass without dataclasses' cost at import time.

`dataclasses.dataclass(frozen=True)` compiles five or six methods per class with exec;
for the thirty model classes that was the largest part of what every stage process
imports (about 20 ms natively, a third of a second in a TCG guest, six processes a boot).
These methods are generic instead, and the fields are registered the way `dataclasses`
records them, so `dataclasses.fields()`, `replace()` and `is_dataclass()` keep working
and type checkers see a frozen dataclass.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
# How dataclasses marks an ordinary field (its private marker, which fields() checks).
_FIELD_MARKER: Any = vars(dataclasses)["_FIELD"]


def _init_for(
    names: tuple[str, ...], defaults: dict[str, Any], factories: dict[str, Callable[[], Any]]
) -> Callable[..., None]:
    known = frozenset(names)

    def __init__(self: Any, *args: Any, **values: Any) -> None:
        if args:
            if len(args) > len(names):
                raise TypeError(f"{type(self).__name__}() takes {len(names)} positional arguments")
            values.update(zip(names, args, strict=False))
        unknown = values.keys() - known
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected arguments {sorted(unknown)}")
        state = self.__dict__
        state.update(defaults)
        for name, factory in factories.items():
            if name not in values:
                state[name] = factory()
        state.update(values)

    return __init__


def _values(self: Any) -> tuple[Any, ...]:
    state = self.__dict__
    return tuple(state[name] for name in type(self).__match_args__)


def _eq(self: Any, other: object) -> object:
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    shown = ", ".join(
        f"{name}={value!r}" for name, value in zip(self.__match_args__, _values(self), strict=True)
    )
    return f"{type(self).__qualname__}({shown})"


def _refuse(self: Any, name: str, *_: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen_model(cls: type[T]) -> type[T]:
    """Class decorator: a frozen, keyword-constructed record of the annotated fields."""
    records: dict[str, dataclasses.Field[Any]] = {}
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    for name, annotation in inspect.get_annotations(cls).items():
        declared = cls.__dict__.get(name, dataclasses.MISSING)
        record = (
            declared
            if isinstance(declared, dataclasses.Field)
            else dataclasses.field(default=declared)
        )
        record.name, record.type = name, annotation
        setattr(record, "_field_type", _FIELD_MARKER)  # noqa: B010 (dataclasses' private slot)
        records[name] = record
        if record.default is not dataclasses.MISSING:
            defaults[name] = record.default
            setattr(cls, name, record.default)
        elif record.default_factory is not dataclasses.MISSING:
            factories[name] = record.default_factory
            delattr(cls, name)
        else:
            raise TypeError(f"{cls.__name__}.{name} needs a default")
    names = tuple(records)
    namespace: dict[str, Any] = {
        "__dataclass_fields__": records,
        "__match_args__": names,
        "__init__": _init_for(names, defaults, factories),
        "__eq__": _eq,
        "__hash__": _hash,
        "__repr__": _repr,
        "__setattr__": _refuse,
        "__delattr__": _refuse,
    }
    for key, value in namespace.items():
        setattr(cls, key, value)
    return cls
