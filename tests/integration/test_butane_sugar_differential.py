"""desugar against Butane v0.29.0 on tests/corpus/butane-sugar: each config holds only sugar
and variant extras (plus, for the checks on the user's storage, the base fields they check).
The corpus files are YAML written in JSON syntax, so the test reads them without a YAML parser.

Compared: the problems (severity, path, message) in Butane's order (the unused keys of one
mapping, which Butane reports in Go's random map order, sorted), and, when Butane succeeds on a
sugar-only config, its output (minus ignition.version) with the fragment. openshift runs with
--raw (desugar produces an Ignition config). --strict: Butane fails exactly when we warn."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from ignition_py.butane.sugar import desugar, messages
from tests.integration import butane_sugar_random
from tests.integration.butane_sugar_oracle import (
    SUGAR_KEYS,
    decode_data_urls,
    normalize_unused,
    run_butane,
)
from tests.oracles import BUTANE as BUTANE_TOOL
from tests.oracles import require

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "butane-sugar"
CONFIGS = sorted(CORPUS.glob("*.bu"))

pytestmark = pytest.mark.oracle


def _key(problem: tuple[str, tuple[str | int, ...], str]) -> tuple[str, tuple[str, ...], str]:
    severity, path, message = problem
    return severity, tuple(str(p) for p in path), message


def test_the_corpus_covers_every_variant_with_sugar_or_checks() -> None:
    variants = {json.loads(p.read_text())["variant"] for p in CONFIGS}
    assert len(CONFIGS) >= 50
    assert variants == {"fcos", "openshift", "flatcar", "r4e", "fiot"}


@pytest.mark.parametrize("strict", [False, True], ids=["lax", "strict"])
@pytest.mark.parametrize("config", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_desugar_agrees_with_butane(config: Path, strict: bool) -> None:
    require(BUTANE_TOOL)
    tree = json.loads(config.read_text())
    sugar = desugar(tree["variant"], tree["version"], tree, "")
    answer = run_butane(config, strict=strict, raw=tree["variant"] == "openshift")

    ours = normalize_unused(sugar.problems)
    assert list(map(_key, ours)) == list(map(_key, normalize_unused(answer.problems)))
    failing = {"error"} | ({"warning"} if strict else set())
    assert (answer.config is None) == any(p[0] in failing for p in sugar.problems)
    if answer.config is not None and set(tree) <= SUGAR_KEYS:
        expected = {k: v for k, v in answer.config.items() if k != "ignition"}
        assert decode_data_urls(sugar.fragment) == decode_data_urls(expected)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(4))
def test_desugar_agrees_with_butane_on_random_configs(seed: int, tmp_path: Path) -> None:
    require(BUTANE_TOOL)
    rng = random.Random(seed)
    ours_only = {v for k, v in vars(messages).items() if k.isupper() and "{}" not in v}
    for n in range(100):
        tree = butane_sugar_random.config(rng)
        source = tmp_path / f"{n}.bu"
        source.write_text(json.dumps(tree))
        sugar = desugar(tree["variant"], tree["version"], tree, "")
        answer = run_butane(source, strict=False, raw=tree["variant"] == "openshift")
        # the rest of Butane's problems come from base translation: unused keys outside the
        # sugar sections (a sugar key the version lacks stays in the tree) and Ignition's checks
        theirs = [
            p
            for p in normalize_unused(answer.problems)
            if p[2] in ours_only or (p[2].startswith("unused key ") and p[1][0] not in sugar.tree)
        ]
        assert list(map(_key, normalize_unused(sugar.problems))) == list(map(_key, theirs)), tree
        if answer.config is not None:
            expected = {k: v for k, v in answer.config.items() if k != "ignition"}
            if set(tree) <= SUGAR_KEYS:
                assert decode_data_urls(sugar.fragment) == decode_data_urls(expected), tree
