"""Differential test of the Butane front end against Butane v0.29.0 (the `butane` oracle).

Corpus: ``tests/corpus/butane/*.bu`` (translated as at boot: no files directory),
``tests/corpus/butane-sugar/*.bu`` (variant sugar and checks, written in JSON syntax: each
is dumped as YAML and both sides read that text, since ignition-py takes JSON for an
Ignition config) and ``tests/corpus/butane/with-files-dir/*.bu`` (with ``--files-dir
.../files``, as ``ignition-py render --files-dir`` does). Every config goes through
parse_config, as at boot; openshift runs with ``--raw`` (an Ignition config, not a
MachineConfig). For each config, live:

* the same Ignition JSON (parsed; data URLs compared by what they hold, since Go's gzip
  stream and zlib's differ for the same bytes);
* the same problems in the same order: severity, Butane path ($.storage.files.0.mode),
  line and column, message; Butane's unmarshal and YAML syntax errors by line and message;
* ``butane --strict`` fails exactly when ignition-py reports a warning or an error
  (ignition-py keeps --strict's warnings as warnings).

``DELIBERATE`` lists configs where ignition-py says more than Butane on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.butane_oracle import Answer, Problem, comparable, run_butane, run_ours
from tests.oracles import BUTANE as BUTANE_TOOL
from tests.oracles import require

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "butane"
SUGAR_CORPUS = CORPUS.parent / "butane-sugar"
WITH_FILES = CORPUS / "with-files-dir"
FILES_DIR = WITH_FILES / "files"

# config name -> (the extra problem ignition-py reports, why)
DELIBERATE = {
    "trees-root-and-owner.bu": (
        ("warning", "$.storage.trees.0", 5, 7, "directory / is the root itself"),
        "ignition-py's safety warning on a directory node for / (Ignition has none)",
    ),
}


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")  # some cases are not UTF-8 on purpose


def _is_openshift(path: Path) -> bool:
    return "variant: openshift" in _text(path).splitlines()


def _require_butane() -> None:
    require(BUTANE_TOOL)


# configs whose problems agree but come in another order, and why
ORDER_DIFFERS = {
    f"ignition-errors-relative-path.{variant}.bu": "Ignition's checks of the translated config "
    "(config/semantics) report files before links; Butane's vcontext walk reports links first"
    for variant in ("fcos-1.7.0", "fiot-1.1.0-experimental", "flatcar-1.1.0")
}


def _in_order(problems: list[Problem]) -> list[Problem]:
    """Problems in report order, each run of unused keys of one mapping sorted (Butane
    reports those in Go's random map order)."""
    out: list[Problem] = []
    run: list[Problem] = []

    def parent(p: Problem) -> str:
        return (p[1] or "").rsplit(".", 1)[0]

    for problem in [*problems, None]:
        unused = problem is not None and problem[4].startswith("unused key ")
        if run and not (problem is not None and unused and parent(problem) == parent(run[0])):
            out += sorted(run, key=str)
            run = []
        if problem is not None and unused:
            run.append(problem)
        elif problem is not None:
            out.append(problem)
    return out


def _compare(path: Path, theirs: Answer, ours: Answer) -> None:
    assert comparable(ours.tree) == comparable(theirs.tree)
    deliberate = DELIBERATE.get(path.name)
    # Butane prints an unmarshal error by line alone; ignition-py adds its path and column
    by_line = {(p[2], p[4]) for p in theirs.problems if p[1] is None and p[2] is not None}
    # and a yaml.v3 decoding error without any place; ignition-py names the scalar's
    unplaced = {p[4] for p in theirs.problems if p[1] is None and p[2] is None}
    shown = [
        (p[0], None, p[2], None, p[4])
        if (p[2], p[4]) in by_line
        else (p[0], None, None, None, p[4])
        if p[1] is None and p[4] in unplaced
        else p
        for p in ours.problems
    ]
    got = [p for p in shown if not deliberate or p != deliberate[0]]
    if path.name in ORDER_DIFFERS:
        assert sorted(got, key=str) == sorted(theirs.problems, key=str)
    else:
        assert _in_order(got) == _in_order(theirs.problems)


def _same_as_butane(path: Path) -> None:
    raw = _is_openshift(path)
    ours = run_ours(path)
    _compare(path, run_butane(path, raw=raw), ours)
    strict_fails = run_butane(path, strict=True, raw=raw).tree is None
    assert strict_fails == bool(ours.problems)


@pytest.mark.oracle
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.bu")), ids=lambda p: p.name)
def test_same_translation_and_problems_as_butane(path: Path) -> None:
    _require_butane()
    _same_as_butane(path)


@pytest.mark.oracle
@pytest.mark.parametrize("path", sorted(SUGAR_CORPUS.glob("*.bu")), ids=lambda p: p.name)
def test_sugar_configs_through_parse_config_as_butane(path: Path, tmp_path: Path) -> None:
    _require_butane()
    as_yaml = tmp_path / path.name
    as_yaml.write_text(yaml.safe_dump(json.loads(path.read_text()), sort_keys=False))
    _same_as_butane(as_yaml)


@pytest.mark.oracle
@pytest.mark.parametrize("path", sorted(WITH_FILES.glob("*.bu")), ids=lambda p: p.name)
def test_same_translation_with_a_files_dir(path: Path) -> None:
    _require_butane()
    ours = run_ours(path, files_dir=FILES_DIR)
    _compare(path, run_butane(path, files_dir=FILES_DIR), ours)


def test_corpus_covers_every_variant_version() -> None:
    from ignition_py.butane.variants import VARIANTS

    covered = {
        tuple(
            line.split(": ", 1)[1]
            for line in p.read_bytes().decode("utf-8", "replace").splitlines()[:2]
        )
        for p in CORPUS.glob("*.bu")
        if p.read_bytes().startswith(b"variant: ")
    }
    missing = {
        key for key in VARIANTS if key not in covered and key[0] != "openshift"
    }  # openshift needs the sugar (metadata, openshift keys)
    assert not missing
    assert len(list(CORPUS.glob("*.bu"))) >= 150
