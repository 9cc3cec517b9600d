"""Every field of the config model, per spec version, and configs that set exactly one of
them: the property-style tests enumerate fields from the model instead of listing them."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ignition_py.config.fields import FieldSpec, Kind, field_specs
from ignition_py.config.model import Config
from ignition_py.config.parse import parse_config
from ignition_py.config.report import JsonPath, format_path
from ignition_py.config.versions import KNOWN_VERSIONS, Version
from tests.oracles import UPSTREAM

_PLACEHOLDER = "@@VALUE@@"


@dataclass(frozen=True)
class ModelField:
    version: Version
    path: JsonPath  # list steps are index 0
    spec: FieldSpec

    @property
    def object_path(self) -> JsonPath:
        """Where one object of this field's class goes: the field, or its first item."""
        return (*self.path, 0) if self.spec.item_kind is Kind.OBJECT else self.path

    @property
    def id(self) -> str:
        return f"{self.version}:{'.'.join(str(p) for p in self.path)}"


def model_fields(version: Version) -> Iterator[ModelField]:
    """Every field `version` has, depth first; items of lists of objects at index 0."""

    def walk(cls: type, prefix: JsonPath, later: dict[str, Version]) -> Iterator[ModelField]:
        for spec in field_specs(cls):
            if not spec.present_in(version) or not version.at_least(
                later.get(spec.key, spec.since)
            ):
                continue
            path = (*prefix, spec.key)
            yield ModelField(version, path, spec)
            if spec.cls is None:
                continue
            nested = dict(spec.nested_since)
            if spec.kind is Kind.OBJECT:
                yield from walk(spec.cls, path, nested)
            elif spec.item_kind is Kind.OBJECT:
                yield from walk(spec.cls, (*path, 0), nested)

    yield from walk(Config, (), {})


def all_model_fields() -> Iterator[ModelField]:
    for version in KNOWN_VERSIONS:
        yield from model_fields(version)


def config_setting(version: Version, path: JsonPath, raw_value: str) -> str:
    """Config text with `raw_value` (JSON text, written as is) at `path`, and nothing else."""

    def nest(steps: JsonPath) -> Any:
        if not steps:
            return _PLACEHOLDER
        inner = nest(steps[1:])
        return [inner] if isinstance(steps[0], int) else {steps[0]: inner}

    tree: dict[str, Any] = nest(path)
    tree["ignition"] = {"version": str(version), **tree.get("ignition", {})}
    return json.dumps(tree).replace(json.dumps(_PLACEHOLDER), raw_value)


def upstream_validate(text: str) -> tuple[int, str]:
    """(exit status, stdout) of v2.26.0's ignition-validate on `text`."""
    done = subprocess.run(
        [str(UPSTREAM.validate), "-"], input=text, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout


Entries = set[tuple[str, str, str]]
_ENTRY = re.compile(r"^(error|warning) at (\$\S*), line \d+ col \d+: (.*)$")


def our_entries(text: str) -> Entries:
    """{(severity, "$.json.path", message)} of our validation of `text`."""
    return {
        (e.severity.value, format_path(e.path) if e.path else "", e.message)
        for e in parse_config(text).report
    }


def upstream_entries(text: str) -> Entries:
    """The same set from v2.26.0's ignition-validate (entries with a JSON path only)."""
    _, out = upstream_validate(text)
    found = set()
    for line in out.splitlines():
        match = _ENTRY.match(line)
        assert match, line
        found.add((match.group(1), match.group(2), match.group(3)))
    return found
