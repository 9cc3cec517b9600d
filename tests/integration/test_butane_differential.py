"""Differential test of the Butane front end against Butane v0.29.0 (the `butane` oracle).

Corpus: ``tests/corpus/butane/*.bu`` (translated as at boot: no files directory) and
``tests/corpus/butane/with-files-dir/*.bu`` (with ``--files-dir .../files``, as
``ignition-py render --files-dir`` does). For each config, live:

* the same Ignition JSON (parsed; data URLs compared by what they hold, since Go's gzip
  stream and zlib's differ for the same bytes);
* the same problems: severity, Butane path ($.storage.files.0.mode), line and column,
  message; Butane's unmarshal and YAML syntax errors by line and message;
* ``butane --strict`` fails exactly when ignition-py reports a warning or an error
  (ignition-py keeps --strict's warnings as warnings).

``DELIBERATE`` lists configs where ignition-py says more than Butane on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.butane_oracle import BUTANE, Answer, comparable, run_butane, run_ours

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "butane"
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


def _needs_sugar(path: Path) -> str | None:
    lines = _text(path).splitlines()
    sugar_keys = any(line.startswith(("boot_device:", "grub:")) for line in lines)
    if lines[0] == "variant: openshift" or (lines[0] == "variant: fcos" and sugar_keys):
        return "variant sugar (boot_device, grub, openshift) is the sugar package's"
    return None


def _require_butane() -> None:
    if not BUTANE.exists():
        reason = f"no oracle: {BUTANE} is not installed"
        print(reason)
        pytest.skip(reason)


def _compare(path: Path, theirs: Answer, ours: Answer) -> None:
    assert comparable(ours.tree) == comparable(theirs.tree)
    expected = sorted(theirs.problems, key=str)
    deliberate = DELIBERATE.get(path.name)
    # Butane prints an unmarshal error by line alone; ignition-py adds its path and column
    by_line = {(p[2], p[4]) for p in theirs.problems if p[1] is None and p[2] is not None}
    shown = [
        (p[0], None, p[2], None, p[4]) if (p[2], p[4]) in by_line else p for p in ours.problems
    ]
    got = sorted((p for p in shown if not deliberate or p != deliberate[0]), key=str)
    assert got == expected


@pytest.mark.oracle
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.bu")), ids=lambda p: p.name)
def test_same_translation_and_problems_as_butane(path: Path) -> None:
    _require_butane()
    reason = _needs_sugar(path)
    if reason:
        print(reason)
        pytest.skip(reason)
    ours = run_ours(path)
    _compare(path, run_butane(path), ours)
    strict_fails = run_butane(path, strict=True).tree is None
    assert strict_fails == bool(ours.problems)


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
