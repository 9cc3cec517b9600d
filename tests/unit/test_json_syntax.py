"""Text that is not JSON gets Go's scanner message, as upstream prints it: seeded random
corruptions of a config (a character dropped, doubled or replaced) against v2.26.0."""

from __future__ import annotations

import json
import random
import re

import pytest

from ignition_py.config.parse import parse_config
from ignition_py.config.report import Severity
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import upstream_validate

BASE = json.dumps(
    {
        "ignition": {"version": "3.4.0"},
        "storage": {"files": [{"path": "/a", "mode": -420, "overwrite": True}]},
        "systemd": {"units": [{"name": "a.service", "enabled": False, "contents": "x\\u00e9"}]},
        "passwd": {"users": [{"name": "core", "uid": 1.5e3, "groups": [], "gecos": None}]},
    },
    indent=1,
)
NOISE = [*'{}[]:,"\\-+.0e1tfnu \n\tx', "\x01", "é", "NaN"]
_ERROR = re.compile(r"^error at line -?\d+ col -?\d+: (.*)$")


def _corrupt(seed: int) -> str:
    rnd = random.Random(seed)
    text = BASE
    for _ in range(rnd.randint(1, 2)):
        at = rnd.randrange(len(text))
        action = rnd.choice(("drop", "insert", "replace", "cut"))
        noise = rnd.choice(NOISE)
        if action == "drop":
            text = text[:at] + text[at + 1 :]
        elif action == "insert":
            text = text[:at] + noise + text[at:]
        elif action == "replace":
            text = text[:at] + noise + text[at + 1 :]
        else:
            text = text[:at]
    return text


def _first_error(text: str) -> str | None:
    report = parse_config(text.encode()).report
    return next((e.message for e in report if e.severity is Severity.ERROR), None)


@pytest.mark.parametrize("chunk", range(8))
def test_same_syntax_messages_as_upstream(chunk: int) -> None:
    require(UPSTREAM)
    differ = []
    for seed in range(chunk * 100, chunk * 100 + 100):
        text = _corrupt(seed)
        _, out = upstream_validate(text)
        lines = out.splitlines()
        theirs = next((m.group(1) for m in map(_ERROR.match, lines) if m), None)
        if theirs is None or theirs.startswith("json: ") or " " not in theirs:
            continue  # valid JSON after all: other tests compare what follows
        if not theirs.startswith(("invalid character", "unexpected end")):
            continue
        if _first_error(text) != theirs:
            differ.append((text, theirs, _first_error(text)))
    assert differ == []
