"""Messages whose wording or reach once differed from upstream v2.26.0: the same entries
(severity, path, message) as its ignition-validate, in the spec versions where they apply."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ignition_py.config.semantics import messages as m
from ignition_py.config.versions import KNOWN_VERSIONS, V3_5, Version
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import our_entries, upstream_entries

NO_INSTALL = "[Service]\nExecStart=/bin/true\n"


def _config(version: Version, body: dict[str, Any]) -> str:
    return json.dumps({"ignition": {"version": str(version)}, **body})


BODIES: dict[str, dict[str, Any]] = {
    "template-without-install": {
        "systemd": {
            "units": [
                {"name": "t@.service", "contents": NO_INSTALL},
                {"name": "t@a.service", "enabled": True},
                {"name": "t@b.service", "enabled": True, "contents": NO_INSTALL},
            ]
        }
    },
    "special-bits": {
        "storage": {
            "files": [{"path": "/f", "mode": 0o4755}],
            "directories": [{"path": "/d", "mode": 0o1777}],
        }
    },
    "miscased-keys-hide-what-is-inside": {
        "Storage": {"Files": [{"Path": "/a", "bogus": 1}]},
        "systemd": {"Units": [{"name": "a.service", "bogus": 1}]},
    },
    "unused-keys": {"bogus": 1, "storage": {"files": [{"path": "/a", "bogus": 2}]}},
}
CEX: dict[str, dict[str, Any]] = {
    "cex-with-clevis": {
        "storage": {
            "luks": [
                {
                    "name": "a",
                    "device": "/dev/vda",
                    "cex": {"enabled": True},
                    "clevis": {"tpm2": True},
                }
            ]
        }
    },
    "cex-with-key-file": {
        "storage": {
            "luks": [
                {
                    "name": "a",
                    "device": "/dev/vda",
                    "cex": {"enabled": True},
                    "keyFile": {"source": "data:,k"},
                }
            ]
        }
    },
}
CASES = [
    pytest.param(_config(v, body), id=f"{v}-{name}")
    for v in KNOWN_VERSIONS
    for name, body in BODIES.items()
] + [
    pytest.param(_config(v, body), id=f"{v}-{name}")
    for v in KNOWN_VERSIONS
    if v.at_least(V3_5)
    for name, body in CEX.items()
]


def test_template_warning_names_template_and_instance() -> None:
    found = our_entries(_config(V3_5, BODIES["template-without-install"]))
    assert (
        "warning",
        "$.systemd.units.1.contents",
        'template unit "t@.service" for "t@a.service" doesn\'t have Install section',
    ) in found
    assert ("warning", "$.systemd.units.2.contents", m.no_install_section("t@b.service")) in found


@pytest.mark.parametrize("text", CASES)
def test_same_entries_as_upstream(text: str) -> None:
    require(UPSTREAM)
    assert our_entries(text) == upstream_entries(text)
