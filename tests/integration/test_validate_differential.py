"""Differential test of ignition-py's ``ignition-validate`` against upstream's Go binary.

Corpus: ``tests/corpus/<spec>/<name>.ign``.

* Specs 3.0-3.3 are checked live against the Go ``ignition-validate`` 2.14
  (``/usr/bin/ignition-validate``): same exit code, same set of error paths where Go
  printed paths, and every Go warning path also warned about by ignition-py.
* Specs 3.4 and newer are newer than the Go binary knows, so each config carries a
  ``<name>.expect.json`` written from upstream's docs and source:
  ``{"valid": bool, "errors": ["$.path", ...], "warnings": ["$.path", ...]}`` plus an
  optional ``"not_warnings"`` list of paths upstream does *not* warn about.
  ``"errors": []`` with ``"valid": false`` means upstream fails without a path
  (JSON type error, unsupported version).
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ignition_py.config.schema_gen import schema_for
from ignition_py.config.versions import NEWEST

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus"
GO_VALIDATE = Path("/usr/bin/ignition-validate")
ORACLE_SPECS = ("3.0", "3.1", "3.2", "3.3")
EXPECT_SPECS = ("3.4", "3.5", "3.6", "3.7-experimental")
RUN_TIMEOUT = 120

# `error at $.storage.files.0.path, line 1 col 61: path not absolute`
_WITH_PATH = re.compile(r"^(error|warning) at (\$.*?), line (-?\d+) col (-?\d+): (.*)$")
# `error at line 1 col 62: json: cannot unmarshal ...`
_WITH_POS = re.compile(r"^(error|warning) at line (-?\d+) col (-?\d+): (.*)$")
# `error: message`
_BARE = re.compile(r"^(error|warning): (.*)$")


@dataclass(frozen=True)
class Entry:
    """One reported problem; ``path`` is None when the tool printed no JSON path."""

    kind: str
    path: str | None
    line: int | None
    col: int | None
    message: str


@dataclass
class Report:
    returncode: int
    stdout: str
    stderr: str
    entries: list[Entry] = field(default_factory=list)

    def error_paths(self) -> set[str]:
        return {e.path for e in self.entries if e.kind == "error" and e.path is not None}

    def warning_paths(self) -> set[str]:
        return {e.path for e in self.entries if e.kind == "warning" and e.path is not None}

    def error_positions(self) -> set[tuple[str, int | None, int | None]]:
        return {
            (e.path, e.line, e.col)
            for e in self.entries
            if e.kind == "error" and e.path is not None
        }

    def describe(self) -> str:
        return f"exit {self.returncode}\n--- stdout ---\n{self.stdout}--- stderr ---\n{self.stderr}"


def parse_output(text: str) -> list[Entry]:
    entries: list[Entry] = []
    for raw in text.splitlines():
        line = raw.strip()
        if m := _WITH_PATH.match(line):
            entries.append(
                Entry(m.group(1), m.group(2), int(m.group(3)), int(m.group(4)), m.group(5))
            )
        elif m := _WITH_POS.match(line):
            entries.append(Entry(m.group(1), None, int(m.group(2)), int(m.group(3)), m.group(4)))
        elif m := _BARE.match(line):
            entries.append(Entry(m.group(1), None, None, None, m.group(2)))
    return entries


def _run(argv: list[str]) -> Report:
    proc = subprocess.run(argv, capture_output=True, timeout=RUN_TIMEOUT, cwd=REPO, check=False)
    stdout = proc.stdout.decode("utf-8", errors="replace")
    stderr = proc.stderr.decode("utf-8", errors="replace")
    return Report(proc.returncode, stdout, stderr, parse_output(stdout) + parse_output(stderr))


@functools.cache
def run_go(config: Path) -> Report:
    return _run([str(GO_VALIDATE), str(config)])


@functools.cache
def run_py(config: Path) -> Report:
    return _run([sys.executable, "-m", "ignition_py.validate_cli", str(config)])


def _configs(specs: tuple[str, ...]) -> list[Path]:
    return [p for spec in specs for p in sorted((CORPUS / spec).glob("*.ign"))]


def _ids(configs: list[Path]) -> list[str]:
    return [p.relative_to(CORPUS).as_posix() for p in configs]


ORACLE_CONFIGS = _configs(ORACLE_SPECS)
EXPECT_CONFIGS = _configs(EXPECT_SPECS)


def _require_go() -> None:
    if not GO_VALIDATE.exists():
        reason = f"Go oracle {GO_VALIDATE} is absent; cannot compare against upstream"
        print(reason)
        pytest.skip(reason)


# --------------------------------------------------------------------------- 3.0 - 3.3


@pytest.mark.parametrize("config", ORACLE_CONFIGS, ids=_ids(ORACLE_CONFIGS))
def test_matches_go(config: Path) -> None:
    _require_go()
    go = run_go(config)
    py = run_py(config)
    context = f"{config}\n=== Go ===\n{go.describe()}\n=== ignition-py ===\n{py.describe()}"

    assert go.returncode in (0, 1), f"unexpected Go exit code\n{context}"
    assert py.returncode == go.returncode, f"exit codes differ\n{context}"

    go_errors = go.error_paths()
    if go_errors:
        assert py.error_paths() == go_errors, f"error paths differ\n{context}"
    # else: Go failed without a path (only the first JSON type error, unparsable or
    # unsupported input) or succeeded; the equal exit codes are all that is compared.

    missing = go.warning_paths() - py.warning_paths()
    assert not missing, f"Go warnings missing from ignition-py: {sorted(missing)}\n{context}"

    # Where Go names a path, line and column agree too, except under keys spelled in
    # another case: Go's locator cannot follow those and falls back to the root.
    if go.error_positions() and not _has_case_mismatched_keys(config):
        assert py.error_positions() == go.error_positions(), f"positions differ\n{context}"


def _has_case_mismatched_keys(config: Path) -> bool:
    def keys(value: object) -> set[str]:
        if isinstance(value, dict):
            return set(value).union(*(keys(v) for v in value.values()))
        if isinstance(value, list):
            return set().union(*(keys(v) for v in value))
        return set()

    try:
        found = keys(json.loads(config.read_bytes()))
    except ValueError:
        return False
    spec_keys = keys(schema_for(NEWEST))
    folded = {key.casefold() for key in spec_keys}
    return any(key not in spec_keys and key.casefold() in folded for key in found)


# --------------------------------------------------------------------------- 3.4 and newer


def _load_expect(config: Path) -> dict[str, object]:
    data = json.loads(config.with_suffix(".expect.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _paths(value: object) -> set[str]:
    assert isinstance(value, list)
    assert all(isinstance(v, str) and v.startswith("$") for v in value), value
    return {str(v) for v in value}


@pytest.mark.parametrize("config", EXPECT_CONFIGS, ids=_ids(EXPECT_CONFIGS))
def test_matches_upstream_expectation(config: Path) -> None:
    expect = _load_expect(config)
    valid = expect["valid"]
    assert isinstance(valid, bool)
    errors = _paths(expect.get("errors", []))
    warnings = _paths(expect.get("warnings", []))
    not_warnings = _paths(expect.get("not_warnings", []))

    py = run_py(config)
    context = f"{config}\nexpected {json.dumps(expect)}\n=== ignition-py ===\n{py.describe()}"

    assert py.returncode == (0 if valid else 1), f"wrong verdict\n{context}"
    if errors:
        assert py.error_paths() == errors, f"error paths differ\n{context}"
    missing = warnings - py.warning_paths()
    assert not missing, f"expected warnings missing: {sorted(missing)}\n{context}"
    extra = not_warnings & py.warning_paths()
    assert not extra, f"warnings upstream does not give: {sorted(extra)}\n{context}"


# --------------------------------------------------------------------------- the corpus itself

SECTIONS: tuple[tuple[str, ...], ...] = (
    ("ignition", "version"),
    ("ignition", "config", "merge"),
    ("ignition", "config", "replace"),
    ("ignition", "timeouts"),
    ("ignition", "security", "tls", "certificateAuthorities"),
    ("ignition", "proxy"),
    ("storage", "disks"),
    ("storage", "disks", "partitions"),
    ("storage", "raid"),
    ("storage", "luks"),
    ("storage", "luks", "clevis"),
    ("storage", "luks", "cex"),
    ("storage", "filesystems"),
    ("storage", "files"),
    ("storage", "files", "contents", "compression"),
    ("storage", "files", "contents", "verification", "hash"),
    ("storage", "files", "append"),
    ("storage", "files", "mode"),
    ("storage", "files", "user"),
    ("storage", "directories"),
    ("storage", "links"),
    ("storage", "links", "hard"),
    ("systemd", "units"),
    ("systemd", "units", "dropins"),
    ("passwd", "users"),
    ("passwd", "groups"),
    ("kernelArguments",),
)


def _has(node: object, keys: tuple[str, ...]) -> bool:
    if not keys:
        return node is not None
    if isinstance(node, list):
        return any(_has(item, keys) for item in node)
    if isinstance(node, dict):
        return keys[0] in node and _has(node[keys[0]], keys[1:])
    return False


def _parsed(configs: list[Path]) -> list[object]:
    docs: list[object] = []
    for p in configs:
        try:
            docs.append(json.loads(p.read_bytes().decode("utf-8", errors="replace")))
        except ValueError:
            continue
    return docs


def test_corpus_size_and_coverage() -> None:
    assert len(ORACLE_CONFIGS) >= 130, len(ORACLE_CONFIGS)
    assert len(EXPECT_CONFIGS) >= 40, len(EXPECT_CONFIGS)
    assert len(ORACLE_CONFIGS) + len(EXPECT_CONFIGS) >= 150
    for spec in ORACLE_SPECS + EXPECT_SPECS:
        assert list((CORPUS / spec).glob("*.ign")), f"no configs for spec {spec}"
    for config in EXPECT_CONFIGS:
        assert config.with_suffix(".expect.json").is_file(), f"{config} has no .expect.json"
        _load_expect(config)

    docs = _parsed(ORACLE_CONFIGS + EXPECT_CONFIGS)
    uncovered = [".".join(s) for s in SECTIONS if not any(_has(d, s) for d in docs)]
    assert not uncovered, f"sections no config exercises: {uncovered}"

    oracle_docs = _parsed(ORACLE_CONFIGS)
    for section in ("ignition", "storage", "systemd", "passwd", "kernelArguments"):
        assert any(_has(d, (section,)) for d in oracle_docs), section

    # both verdicts and the non-JSON inputs are represented
    names = {p.stem for p in ORACLE_CONFIGS}
    assert any(n.startswith("not-config-") for n in names)
    assert any(n.startswith("type-error-") for n in names)
