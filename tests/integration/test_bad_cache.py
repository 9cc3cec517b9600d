"""A config cache that is not a valid config (a distribution's file dropped in, a truncated
write): every later stage fails with the problem's JSON path and line:col, as upstream's
full parse of the cache reports it, never a traceback, and writes nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from testkit.agents import OURS

CASES = {
    "not JSON": (b"not json", "error at line 1 col 3"),
    "a wrong type": (
        b'{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/x","mode":"x"}]}}',
        "error at $.storage.files.0.mode, line 1 col 73",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_cache_fails_the_stage_with_the_json_path(tmp_path: Path, name: str) -> None:
    raw, expected = CASES[name]
    cache, root = tmp_path / "ignition.json", tmp_path / "root"
    cache.write_bytes(raw)
    root.mkdir()
    done = subprocess.run(
        [str(OURS), "-platform", "file", "-stage", "files", "-root", str(root),
         "-config-cache", str(cache), "-state-file", str(tmp_path / "state"), "-log-to-stdout"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "the cached config" in output and expected in output
    assert "Traceback" not in output
    assert not (root / "x").exists()
