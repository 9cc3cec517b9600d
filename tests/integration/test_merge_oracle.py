"""Differential test of config merging against upstream Ignition: v2.26.0 (the reference)
at every spec version it knows, Debian's Go Ignition 2.14 at 3.0.0-3.3.0. The scenarios
(tests/merge_scenarios.py, shared with the unit tests) are re-versioned (nested `data:`
configs too) to every spec from their `since`.

User-config merges: the parent config lists the child as an `ignition.config.merge`
entry with a `data:` URL, which the fetch-offline stage resolves without network and
caches as the merged config.  Base configs: Ignition merges `base.d` and
`base.platform.d/<platform>` under the cached config in every stage but never writes
that result; the kargs stage with a failing `ignition-kargs-helper` prints it as
"Full config:" on stderr.
"""

from __future__ import annotations

import io
import json
import os
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config.build import build
from ignition_py.config.build import render as tree_of
from ignition_py.config.compose import with_base_configs
from ignition_py.config.model import Config
from ignition_py.log import Logger
from testkit.stagerun import run_stages, standins
from tests.merge_scenarios import (
    BASE_SCENARIOS,
    KARGS_MARKER,
    SINCE,
    USER_MERGE_SCENARIOS,
    Json,
    cfg,
    data_url,
    merge_base_configs,
    merge_configs,
)
from tests.oracles import ORACLES, UPSTREAM, Oracle, oracle_id, require

pytestmark = pytest.mark.oracle


def reversioned(value: Any, version: str) -> Any:
    """``value`` with every config version, nested `data:` configs included, set to ``version``."""
    if isinstance(value, dict):
        return {
            key: version if key == "version" else reversioned(item, version)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(reversioned(item, version) for item in value)
    if isinstance(value, str) and value.startswith("data:,%7B"):
        return data_url(reversioned(json.loads(urllib.parse.unquote(value[6:])), version))
    return value


def runs(scenarios: dict[str, Any]) -> list[Any]:
    """(oracle, version, name) for every scenario at every version from its `since` that
    the oracle knows."""
    return [
        pytest.param(oracle, version, name, id=f"{name}-{version}-{oracle_id(oracle)}")
        for name in sorted(scenarios)
        for oracle in ORACLES
        for version in oracle.specs_from(SINCE.get(name, "3.0.0"))
    ]


def with_merge_entry(parent: Json, child: Json) -> Json:
    ignition = dict(parent["ignition"])
    config = dict(ignition.get("config", {}))
    config["merge"] = [*config.get("merge", []), {"source": data_url(child)}]
    ignition["config"] = config
    return {**parent, "ignition": ignition}


def render(config: Json) -> Json:
    """Resolve `data:` merge entries depth first, as upstream's RenderConfig does."""
    merged = config
    for entry in config["ignition"].get("config", {}).get("merge", []):
        source = entry["source"]
        assert source.startswith("data:,")
        merged = merge_configs(merged, render(json.loads(urllib.parse.unquote(source[6:]))))
    return merged


def normalize(value: Any) -> Any:
    """Drop what Go emits for unset fields (nulls, empty objects and lists) and the version.

    A partition `number` of 0 goes too: Go keeps it as a plain int with omitempty, so it
    cannot tell an explicit 0 from an absent number.
    """
    if isinstance(value, dict):
        normalized = {key: normalize(item) for key, item in value.items() if key != "version"}
        return {
            key: item
            for key, item in normalized.items()
            if item not in (None, {}, []) and not (key == "number" and item == 0)
        }
    if isinstance(value, list):
        return [normalize(item) for item in value]
    return value


def go_merged_user_config(oracle: Oracle, tmp_path: Path, user: Json) -> Json:
    run = run_stages(oracle.agent, tmp_path, ["fetch-offline"], user_config=user)
    assert run.returncode == 0 and run.cached is not None, run.output
    return run.cached


def go_full_config_with_bases(
    oracle: Oracle, tmp_path: Path, bases: list[Json], platform_bases: list[Json], user: Json
) -> Json:
    system = tmp_path / "system"
    for directory, fragments in (
        (system / "base.d", bases),
        (system / "base.platform.d" / "file", platform_bases),
    ):
        directory.mkdir(parents=True)
        for number, fragment in enumerate(fragments):
            (directory / f"{number:02d}.ign").write_text(json.dumps(fragment))
    helpers = standins(tmp_path / "helpers", {"ignition-kargs-helper": "#!/bin/sh\nexit 1\n"})
    env = {"PATH": f"{helpers}:{os.environ.get('PATH', '/usr/bin:/bin')}"}
    run = run_stages(oracle.agent, tmp_path, ["kargs"], cached_config=user, env=env)
    marker = "Full config:\n"
    assert run.returncode == 1 and marker in run.output, run.output
    full: Json = json.loads(run.output.split(marker, 1)[1])
    return full


@pytest.mark.parametrize(("oracle", "version", "name"), runs(USER_MERGE_SCENARIOS))
def test_user_config_merge_matches_go_ignition(
    tmp_path: Path, oracle: Oracle, version: str, name: str
) -> None:
    require(oracle)
    parent, child = reversioned(USER_MERGE_SCENARIOS[name], version)
    user = with_merge_entry(parent, child)
    ours, theirs = normalize(render(user)), normalize(go_merged_user_config(oracle, tmp_path, user))
    dropped = UPSTREAM_DROPS.get((name, version, oracle_id(oracle)))
    if dropped:
        assert ours != theirs, "upstream no longer drops the field: remove UPSTREAM_DROPS entry"
        ours = without_key(ours, dropped[0])
    assert ours == theirs


# Upstream bugs where ignition-py deliberately keeps what the user wrote:
# (scenario, version, oracle) -> (the field upstream's cache loses, why).
UPSTREAM_DROPS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("luks-3.4-fields", "3.4.0", "v2.26.0"): (
        "advertisement",
        "v2.26.0's 3.4.0->3.5.0 translation (translateTang) copies only url and thumbprint, "
        "so a 3.4.0 tang advertisement is lost and the server is needed at provisioning time",
    ),
}


def without_key(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        return {k: without_key(v, key) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [without_key(item, key) for item in value]
    return value


@pytest.mark.parametrize(("oracle", "version", "name"), runs(BASE_SCENARIOS))
def test_base_config_merge_matches_go_ignition(
    tmp_path: Path, oracle: Oracle, version: str, name: str
) -> None:
    require(oracle)
    bases, platform_bases, user = reversioned(BASE_SCENARIOS[name], version)
    expected = merge_base_configs(bases, user, platform_bases=platform_bases)
    assert normalize(expected) == normalize(
        go_full_config_with_bases(oracle, tmp_path, bases, platform_bases, user)
    )


def test_an_invalid_platform_base_config_is_left_out_as_upstream_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require(UPSTREAM)
    bases = [cfg(kernelArguments={"shouldExist": [KARGS_MARKER]})]
    platform_bases = [
        cfg(systemd={"units": [{"name": "good.service", "mask": True}]}),
        cfg(storage={"files": [{"path": "relative"}]}),
    ]
    user = cfg(storage={"files": [{"path": "/etc/x", "mode": 420}]})
    theirs = go_full_config_with_bases(UPSTREAM, tmp_path, bases, platform_bases, user)
    monkeypatch.setenv("IGNITION_SYSTEM_CONFIG_DIR", str(tmp_path / "system"))
    log = Logger("test", stream=io.StringIO())
    ours = tree_of(with_base_configs(build(Config, user), "file", log))
    assert normalize(ours) == normalize(theirs)
    assert "good.service" not in json.dumps(ours)
