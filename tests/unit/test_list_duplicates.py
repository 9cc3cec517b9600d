"""Every list of every spec version refuses a repeated entry exactly where upstream does
(its ValidateDups pass: all lists, a few allowing repeats, a few sharing keys)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ignition_py.config.fields import Kind, field_specs
from ignition_py.config.model import Partition, Resource
from ignition_py.config.parse import parse_config
from ignition_py.config.report import format_path
from ignition_py.config.semantics import messages as m
from ignition_py.config.versions import V3_2, V3_4
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import ModelField, all_model_fields, config_setting, upstream_validate

LIST_FIELDS = [f for f in all_model_fields() if f.spec.kind is Kind.LIST]
_SAMPLES = {"path": "/a", "device": "/dev/vda", "url": "http://t", "version": "3.0.0"}


def _item(field: ModelField) -> Any:
    """One entry for the list: a string, or an object with its required keys set."""
    cls = field.spec.cls
    if cls is None:
        return "x"
    item: dict[str, Any] = {s.key: _SAMPLES.get(s.key, "a") for s in field_specs(cls) if s.required}
    if cls is Resource:
        item["source"] = "http://e/x"
    if cls is Partition:
        item["number"] = 1
    return item


def _twice(field: ModelField) -> str:
    item = _item(field)
    return config_setting(field.version, field.path, json.dumps([item, item]))


def _duplicate_flagged(text: str, field: ModelField) -> bool:
    second = (*field.path, 1)
    return any(e.path == second and e.message == m.DUPLICATE for e in parse_config(text).report)


def test_luks_open_options_repeat_is_an_error() -> None:
    field = next(f for f in LIST_FIELDS if f.version == V3_4 and f.path[-1] == "openOptions")
    assert _duplicate_flagged(_twice(field), field)


def test_luks_and_filesystem_options_may_repeat() -> None:
    for f in LIST_FIELDS:
        if f.version == V3_2 and f.path[-1] == "options" and f.path[1] in ("luks", "filesystems"):
            assert not _duplicate_flagged(_twice(f), f), f.id


def test_same_duplicates_as_upstream() -> None:
    require(UPSTREAM)

    def judge(field: ModelField) -> tuple[bool, bool]:
        text = _twice(field)
        _, out = upstream_validate(text)
        theirs = f"error at {format_path((*field.path, 1))}, " in out and m.DUPLICATE in out
        return theirs, _duplicate_flagged(text, field)

    with ThreadPoolExecutor(4) as pool:
        verdicts = list(pool.map(judge, LIST_FIELDS))
    differ = [
        (f.id, theirs, ours)
        for f, (theirs, ours) in zip(LIST_FIELDS, verdicts, strict=True)
        if theirs != ours
    ]
    assert not differ
    assert sum(theirs for theirs, _ in verdicts) > 100
