"""The exception the schema validators generated at build time raise.

The build (dracut/30ignition/python-payload.py) points their import here instead of at
fastjsonschema's package, whose `__init__` pulls in its code generator, urllib.request,
http.client and ssl: ~0.3 s of imports per fetch stage in a TCG guest, for a class."""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class JsonSchemaValueException(ValueError):
    """A tree does not match the schema. Same constructor as fastjsonschema's: the
    message, then the value, its name (path), the failing definition and rule."""

    def __init__(
        self,
        message: str,
        value: Any = None,
        name: str | None = None,
        definition: Any = None,
        rule: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.value = value
        self.name = name
        self.definition = definition
        self.rule = rule


# fastjsonschema raises this one for an array of problems; one class serves both here.
JsonSchemaValuesException = JsonSchemaValueException
