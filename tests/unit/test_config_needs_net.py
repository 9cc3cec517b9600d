"""acquire.config_needs_net finds a resource that needs the network wherever the config
holds one (file contents and appends, CAs, merged configs, key files, Tang servers),
and none in a config of data URLs only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ignition_py.acquire import config_needs_net
from ignition_py.config.parse import parse_config

REMOTE = {"source": "https://example.com/x"}
LOCAL = {"source": "data:,x"}


def _config(tree: dict[str, Any]) -> object:
    parsed = parse_config(json.dumps({"ignition": {"version": "3.4.0"}, **tree}))
    assert parsed.config is not None, str(parsed.report)
    return parsed.config


def _file(**fields: Any) -> dict[str, Any]:
    return {"storage": {"files": [{"path": "/a", **fields}]}}


NEEDS_NET = {
    "contents": _file(contents=REMOTE),
    "append": _file(append=[LOCAL, REMOTE]),
    "ca": {
        "ignition": {"version": "3.4.0", "security": {"tls": {"certificateAuthorities": [REMOTE]}}}
    },
    "merge": {"ignition": {"version": "3.4.0", "config": {"merge": [REMOTE]}}},
    "key-file": {"storage": {"luks": [{"name": "l", "device": "/dev/vdb", "keyFile": REMOTE}]}},
    "tang": {
        "storage": {
            "luks": [
                {
                    "name": "l",
                    "device": "/dev/vdb",
                    "clevis": {"tang": [{"url": "http://tang", "thumbprint": "t"}]},
                }
            ]
        }
    },
}


@pytest.mark.parametrize("tree", NEEDS_NET.values(), ids=NEEDS_NET.keys())
def test_a_remote_resource_anywhere_needs_the_network(tree: dict[str, Any]) -> None:
    assert config_needs_net(_config(tree))


def test_data_urls_only_need_nothing() -> None:
    tree = _file(contents=LOCAL, append=[LOCAL])
    tree["storage"]["luks"] = [{"name": "l", "device": "/dev/vdb", "keyFile": LOCAL}]
    assert not config_needs_net(_config(tree))
