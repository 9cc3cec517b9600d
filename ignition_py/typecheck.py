"""What type annotations need at run time, without importing `typing`.

`typing` costs each stage ~45 ms of imports in a TCG guest, and every stage is its own
process at boot. Type checkers take `if TYPE_CHECKING:` blocks whatever the name is
bound to, so modules import their `typing` names there (with `from __future__ import
annotations` nothing evaluates the annotations); the few names used outside annotations
(a class base, a decorator) have stand-ins here that do nothing at run time.
"""

from __future__ import annotations

TYPE_CHECKING = False


class Protocol:
    """Stand-in base for a protocol class: at run time an ordinary class."""


class Generic:
    """Stand-in for `typing.Generic`: `Generic[T]` is this class itself at run time."""

    def __class_getitem__(cls, _parameters: object) -> type[Generic]:
        return cls


def type_variable(name: str) -> str:
    """Stand-in for `typing.TypeVar` where a type variable appears in a class base."""
    return name


def dataclass_transform(**_options: object) -> object:
    """Stand-in for `typing.dataclass_transform`: a decorator that returns its argument."""
    return lambda decorated: decorated
