"""Every integer field of every spec version reads a JSON number as Go reads it into an int:
a fraction, an exponent or a value beyond 64 bits is a type error at the field's path
(never a traceback); `-0` and the int64 extremes are numbers like any other."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from ignition_py.config.fields import Kind
from ignition_py.config.parse import parse_config
from ignition_py.config.report import Severity
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import ModelField, all_model_fields, config_setting, upstream_validate

INTEGER_FIELDS = [f for f in all_model_fields() if f.spec.kind is Kind.INTEGER]
REJECTED = [
    "4.2e2",
    "1e2",
    "1E2",
    "1e+2",
    "100.0",
    "-0.0",
    "0.5",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1e400",
    "1" + "0" * 5000,  # beyond Python's own digit limit for int()
]
ACCEPTED = ["-0", "0", "420", "9223372036854775807", "-9223372036854775808"]
NOT_AN_INT = re.compile(
    r"^json: cannot unmarshal number (\S+) into Go struct field \S+ of type int$"
)


def test_the_model_has_integer_fields_in_every_version() -> None:
    assert len({f.path for f in INTEGER_FIELDS}) >= 17
    assert len({f.version for f in INTEGER_FIELDS}) == 8


@pytest.mark.parametrize("field", INTEGER_FIELDS, ids=lambda f: f.id)
def test_non_integer_numbers_are_errors_at_the_field(field: ModelField) -> None:
    for literal in REJECTED:
        parsed = parse_config(config_setting(field.version, field.path, literal))
        (entry,) = [e for e in parsed.report if e.path == field.path]
        assert entry.severity is Severity.ERROR
        match = NOT_AN_INT.match(entry.message)
        assert match is not None and match.group(1) == literal, f"{literal}: {parsed.report}"
        assert entry.line == 1 and entry.column is not None
        assert not parsed.ok


@pytest.mark.parametrize("field", INTEGER_FIELDS, ids=lambda f: f.id)
def test_integers_in_range_are_read(field: ModelField) -> None:
    for literal in ACCEPTED:
        parsed = parse_config(config_setting(field.version, field.path, literal))
        assert not [e for e in parsed.report if "cannot unmarshal" in e.message], literal


_UPSTREAM_ERROR = re.compile(r"^error at line \d+ col \d+: (.*)$")


def test_same_numbers_rejected_as_upstream() -> None:
    """v2.26.0 rejects exactly the literals we reject, for every field and version, in the
    same words."""
    require(UPSTREAM)
    cases = [(f, lit) for f in INTEGER_FIELDS for lit in (*REJECTED[:-1], *ACCEPTED)]

    def judge(case: tuple[ModelField, str]) -> tuple[str | None, str | None]:
        """The type error's text from each side (None: no type error)."""
        field, literal = case
        text = config_setting(field.version, field.path, literal)
        _, out = upstream_validate(text)
        theirs = next((m.group(1) for m in map(_UPSTREAM_ERROR.match, out.splitlines()) if m), None)
        ours = next(
            (e.message for e in parse_config(text).report if e.path == field.path
             and e.message.startswith("json: cannot unmarshal")),
            None,
        )  # fmt: skip
        return theirs, ours

    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(judge, cases))
    differ = [
        (f.id, lit, theirs, ours)
        for (f, lit), (theirs, ours) in zip(cases, verdicts, strict=True)
        if theirs != ours
    ]
    assert not differ
    rejected = [theirs for theirs, _ in verdicts if theirs is not None]
    assert len(rejected) == len(INTEGER_FIELDS) * (len(REJECTED) - 1)
