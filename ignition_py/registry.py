"""Name -> implementation tables that stages and providers add themselves to."""

from __future__ import annotations

from collections.abc import Callable

from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Generic, TypeVar

    T = TypeVar("T")
else:
    from .typecheck import Generic, type_variable

    T = type_variable("T")


class Registry(Generic[T]):
    """A name -> entry table (stages, platforms) that modules add themselves to with
    `@registry.register(name)`; registering a name twice raises ValueError."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        def add(entry: T) -> T:
            if name in self._entries:
                raise ValueError(f"{self.kind} {name!r} registered twice")
            self._entries[name] = entry
            return entry

        return add

    def get(self, name: str) -> T | None:
        return self._entries.get(name)

    def names(self) -> list[str]:
        return sorted(self._entries)
