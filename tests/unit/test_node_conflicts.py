"""Files, directories and links against each other and against systemd units and dropins:
the same set of entries (severity, path, message) as upstream v2.26.0, in every spec
version. Upstream flags a repeated path once (`duplicate entry defined`, on the later entry
in directories, files, links order), a path under a link, and any node where a unit or
dropin with contents is written (an error in every version); it has no parent check."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from ignition_py.config.semantics import messages as m
from ignition_py.config.versions import KNOWN_VERSIONS, V3_0, V3_6
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import our_entries as ours
from tests.unit.model_fields import upstream_entries as theirs

KINDS = ("files", "directories", "links")
UNIT = "[Unit]\nDescription=x\n"


def _node(kind: str, path: str) -> dict[str, Any]:
    return {"path": path, "target": "/t"} if kind == "links" else {"path": path}


def _config(version: object, storage: dict[str, Any], units: list[Any] | None = None) -> str:
    tree: dict[str, Any] = {"ignition": {"version": str(version)}, "storage": storage}
    if units is not None:
        tree["systemd"] = {"units": units}
    return json.dumps(tree)


def _cases() -> list[Any]:
    cases = []
    for version in KNOWN_VERSIONS:
        for first, second in itertools.product(KINDS, KINDS):
            for name, other in (("same-path", "/a"), ("child", "/a/b")):
                storage: dict[str, list[Any]] = {}
                storage.setdefault(first, []).append(_node(first, "/a"))
                storage.setdefault(second, []).append(_node(second, other))
                text = _config(version, storage)
                cases.append(pytest.param(text, id=f"{version}-{first}-{second}-{name}"))
        for kind in KINDS:
            unit_path = {kind: [_node(kind, "/etc/systemd/system/a.service")]}
            dropin_path = {kind: [_node(kind, "/etc/systemd/system/a.service.d/x.conf")]}
            unit = {"name": "a.service", "contents": UNIT}
            dropin = {"name": "a.service", "dropins": [{"name": "x.conf", "contents": UNIT}]}
            no_contents = {"name": "a.service", "enabled": False}
            for name, storage, units in (
                ("unit", unit_path, [unit]),
                ("dropin", dropin_path, [dropin]),
                ("unit-without-contents", unit_path, [no_contents]),
            ):
                text = _config(version, storage, units)
                cases.append(pytest.param(text, id=f"{version}-{kind}-at-{name}"))
        twice = [{"name": "a.service", "dropins": [{"name": "x.conf"}, {"name": "x.conf"}]}] * 2
        cases.append(pytest.param(_config(version, {}, twice), id=f"{version}-units-twice"))
    return cases


def test_file_and_link_at_one_path_is_one_duplicate() -> None:
    storage = {"files": [_node("files", "/a")], "links": [_node("links", "/a")]}
    assert ours(_config(V3_6, storage)) == {("error", "$.storage.links.0", m.DUPLICATE)}


def test_node_at_a_unit_path_is_an_error_in_3_0() -> None:
    storage = {"files": [_node("files", "/etc/systemd/system/a.service")]}
    text = _config(V3_0, storage, [{"name": "a.service", "contents": UNIT}])
    assert ours(text) == {("error", "$.storage.files.0.path", m.PATH_CONFLICTS_SYSTEMD)}


@pytest.mark.parametrize("text", _cases())
def test_same_entries_as_upstream(text: str) -> None:
    require(UPSTREAM)
    assert ours(text) == theirs(text)
