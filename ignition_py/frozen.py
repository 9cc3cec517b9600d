"""Frozen records without the cost of `dataclasses` at import time.

`dataclasses.dataclass(frozen=True)` compiles five or six methods per class with exec,
and importing `dataclasses` pulls in inspect, ast and tokenize. Every stage is its own
process at boot, and under TCG each millisecond of imports costs fifteen or twenty: for
the model's thirty classes that was the largest part of a stage's start. Here the
methods are generic, the fields are read once from the class annotations, and
`dataclass_transform` lets type checkers see frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, TypeVar, dataclass_transform

    T = TypeVar("T")
else:
    from .typecheck import dataclass_transform


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class FrozenInstanceError(AttributeError):
    """Raised on an attempt to change a field of a frozen record."""


class Field:
    """One declared field: its name, default (or factory) and metadata."""

    __slots__ = ("default", "default_factory", "metadata", "name")

    def __init__(
        self,
        default: Any = MISSING,
        default_factory: Callable[[], Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.metadata: Mapping[str, Any] = MappingProxyType(dict(metadata or {}))


def field(
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Any:
    """Declare a field with a default, a default factory and/or metadata."""
    return Field(default, default_factory, metadata)


def fields_of(record: type | object) -> tuple[Field, ...]:
    """The fields of a frozen record class (or instance), in declaration order."""
    cls = record if isinstance(record, type) else type(record)
    found: tuple[Field, ...] = cls.__frozen_fields__  # type: ignore[attr-defined]
    return found


def is_frozen_record(value: object) -> bool:
    """True when `value` is an instance of a frozen_model record."""
    return hasattr(type(value), "__frozen_fields__")


def replace(record: T, **changes: Any) -> T:
    """A copy of `record` with some fields changed."""
    values = {f.name: record.__dict__[f.name] for f in fields_of(record)}
    values.update(changes)
    return type(record)(**values)


def _init_for(
    names: tuple[str, ...], defaults: dict[str, Any], factories: dict[str, Callable[[], Any]]
) -> Callable[..., None]:
    known = frozenset(names)
    required = known - defaults.keys() - factories.keys()

    def __init__(self: Any, *args: Any, **values: Any) -> None:
        if args:
            if len(args) > len(names):
                raise TypeError(f"{type(self).__name__}() takes {len(names)} positional arguments")
            values.update(zip(names, args, strict=False))
        given = values.keys()
        if not (given <= known and given >= required):
            unknown = given - known
            if unknown:
                raise TypeError(
                    f"{type(self).__name__}() got unexpected arguments {sorted(unknown)}"
                )
            missing = required - given
            raise TypeError(f"{type(self).__name__}() missing arguments {sorted(missing)}")
        state = self.__dict__
        state.update(defaults)
        if factories:
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
    pairs = zip(self.__match_args__, _values(self), strict=True)
    return f"{type(self).__qualname__}({', '.join(f'{k}={v!r}' for k, v in pairs)})"


def _refuse(self: Any, name: str, *_: Any) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def frozen_model(cls: type[T]) -> type[T]:
    """Class decorator: a frozen record of the annotated fields, constructed by keyword
    (or position), compared and hashed by value."""
    declared: list[Field] = []
    defaults: dict[str, Any] = {}
    factories: dict[str, Callable[[], Any]] = {}
    # Not inspect.get_annotations: importing inspect is what this module avoids.
    for name in cls.__dict__.get("__annotations__", {}):  # noqa: RUF063
        value = cls.__dict__.get(name, MISSING)
        record = value if isinstance(value, Field) else Field(default=value)
        record.name = name
        declared.append(record)
        if record.default is not MISSING:
            defaults[name] = record.default
            setattr(cls, name, record.default)
        elif record.default_factory is not None:
            factories[name] = record.default_factory
            delattr(cls, name)
    names = tuple(f.name for f in declared)
    namespace: dict[str, Any] = {
        "__frozen_fields__": tuple(declared),
        "__match_args__": names,
        "__init__": _init_for(names, defaults, factories),
        "__eq__": _eq,
        "__hash__": _hash,
        "__repr__": _repr,
        "__setattr__": _refuse,
        "__delattr__": _refuse,
    }
    if "__repr__" in cls.__dict__:
        del namespace["__repr__"]  # the class's own (one that hides a secret)
    for key, value in namespace.items():
        setattr(cls, key, value)
    return cls
