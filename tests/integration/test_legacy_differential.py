"""Spec 1 and 2.x configs (tests/corpus/2.x) against ign-converter and v2.26.0's own 3.x
reading: ignition-py's translation of a 2.x config renders the same newest-spec config as
ignition-py's reading of ign-converter's 3.1 output, or both refuse it (and ignition-py
names the JSON path).

Flatcar's patches translate some configs differently from ign-converter (networkd units,
duplicate unit names, a user's `create` block, `mount.create`, the oem filesystem) and
ign-converter has a bug of its own (several `append` entries or CAs collapse into the last):
for those, NAME.flatcar.json beside NAME.ign carries the expected 3.1 config (or the path of
the expected error), written from the patch's code, and `why` names the patch."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config.build import render
from ignition_py.config.parse import Parsed, parse_config
from ignition_py.config.report import Severity
from tests.oracles import IGN_CONVERTER, UPSTREAM, require

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "2.x"
CONFIGS = sorted(CORPUS.glob("*.ign"))


def _converter(config: Path) -> subprocess.CompletedProcess[str]:
    require(IGN_CONVERTER)
    args = [str(IGN_CONVERTER.path), "-input", str(config)]
    fsmap = config.with_suffix(".fsmap")
    if fsmap.exists():
        # The names Flatcar generates for declared filesystems, given to ign-converter.
        args += ["-fsmap", str(fsmap)]
    return subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)


def _rendered(parsed: Parsed, what: str) -> dict[str, Any]:
    assert parsed.ok and parsed.config is not None, f"{what} refused:\n{parsed.report}"
    return render(parsed.config)


def _assert_refused(ours: Parsed, path: list[str | int] | None) -> None:
    errors = [e for e in ours.report if e.severity is Severity.ERROR]
    assert errors, f"ignition-py accepts it:\n{ours.report}"
    assert all(e.path is not None for e in errors), f"an error names no path:\n{ours.report}"
    if path is not None:
        assert any(list(e.path or ()) == path for e in errors), str(ours.report)


def test_corpus_is_large_enough() -> None:
    versions = {c.name.split("-", 1)[0] for c in CONFIGS}
    assert len(CONFIGS) >= 150
    assert versions == {"spec1", "v20", "v21", "v22", "v23", "v24"}


def _assert_upstream_accepts(spec31: str, tmp_path: Path) -> None:
    require(UPSTREAM)
    written = tmp_path / "converted.ign"
    written.write_text(spec31)
    checked = subprocess.run(
        [str(UPSTREAM.validate), str(written)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, f"v2.26.0 refuses the 3.1 reference:\n{checked.stderr}"


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c.stem)
def test_translation_matches(config: Path, tmp_path: Path) -> None:
    ours = parse_config(config.read_bytes())
    expected_file = config.with_suffix(".flatcar.json")
    if expected_file.exists():
        expected = json.loads(expected_file.read_text())
        assert expected["why"]
        if "error_path" in expected:
            _assert_refused(ours, expected["error_path"])
            return
        reference = parse_config(json.dumps(expected["spec31"]))
    else:
        converted = _converter(config)
        if converted.returncode != 0:
            _assert_refused(ours, None)
            return
        reference = parse_config(converted.stdout)
        if ours.ok:
            _assert_upstream_accepts(converted.stdout, tmp_path)
    assert _rendered(ours, "the 2.x config") == _rendered(reference, "the 3.1 reference")
    assert ours.version is not None and ours.version.major < 3
