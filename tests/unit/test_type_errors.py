"""A value of the wrong JSON type, in every field of every spec version (and in an item of
every list), gets upstream's words: `json: cannot unmarshal <what> into Go struct field
<Struct>.<path> of type <Go type>`, at the value's path."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from ignition_py.config.fields import Kind
from ignition_py.config.parse import parse_config
from ignition_py.config.report import JsonPath
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import ModelField, all_model_fields, config_setting, upstream_validate

WRONG = {
    Kind.STRING: "1",
    Kind.INTEGER: '"x"',
    Kind.BOOLEAN: '"x"',
    Kind.OBJECT: "1",
    Kind.LIST: "{}",
}
WRONG_ITEM = {Kind.STRING: "true", Kind.OBJECT: "1"}
_UPSTREAM_ERROR = re.compile(r"^error at line \d+ col \d+: (json: cannot unmarshal .*)$")


def _cases() -> list[tuple[ModelField, JsonPath, str]]:
    cases = []
    for field in all_model_fields():
        if field.path in (("ignition",), ("ignition", "version")):
            continue  # read before the rest, with their own errors
        cases.append(
            (field, field.path, config_setting(field.version, field.path, WRONG[field.spec.kind]))
        )
        if field.spec.kind is Kind.LIST:
            assert field.spec.item_kind is not None
            item = f"[{WRONG_ITEM[field.spec.item_kind]}]"
            cases.append((field, (*field.path, 0), config_setting(field.version, field.path, item)))
    return cases


CASES = _cases()


def _ours(path: JsonPath, text: str) -> list[str]:
    return [e.message for e in parse_config(text).report if e.path == path]


def test_every_wrong_type_is_one_error_at_its_path() -> None:
    for field, path, text in CASES:
        (message,) = _ours(path, text)
        assert message.startswith("json: cannot unmarshal "), (field.id, message)
        assert " into Go struct field " in message, (field.id, message)


def test_same_words_as_upstream() -> None:
    require(UPSTREAM)

    def theirs(text: str) -> str | None:
        _, out = upstream_validate(text)
        return next((m.group(1) for m in map(_UPSTREAM_ERROR.match, out.splitlines()) if m), None)

    with ThreadPoolExecutor(4) as pool:
        upstream = list(pool.map(theirs, [text for _, _, text in CASES]))
    differ = [
        (f.id, path, up, _ours(path, text))
        for (f, path, text), up in zip(CASES, upstream, strict=True)
        if [up] != _ours(path, text)
    ]
    assert not differ
    assert len(CASES) > 1500
