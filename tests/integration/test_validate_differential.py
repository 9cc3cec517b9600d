"""Differential test of ignition-py's ``ignition-validate`` against upstream's binaries.

Corpus: ``tests/corpus/<spec>/<name>.ign``, every config checked live:

* against upstream Ignition v2.26.0 (``oracles.UPSTREAM``), the reference for every spec:
  the same exit code, the same set of error paths and of warning paths, the same
  line:col where upstream names a path, and the same message text for each path;
* against Debian's Go Ignition 2.14 (``oracles.DEBIAN``) for specs up to 3.3, the same
  comparison, except for the configs in ``DEBIAN_DIFFERS`` where 2.14 and v2.26.0
  disagree (v2.26.0 is right there; the test checks that 2.14 still does differ).

``KNOWN_DIVERGENCES`` lists configs where ignition-py is known to differ from v2.26.0:
those tests are strict xfails, so a fix turns them into failures until the entry goes.
``DELIBERATE`` lists differences kept on purpose because they make ignition-py strictly
more helpful (a path or position where upstream names none); the verdict still matches.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ignition_py.config.schema_gen import schema_for
from ignition_py.config.versions import NEWEST
from tests.oracles import DEBIAN, UPSTREAM, Oracle, require

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "corpus"
SPECS = {
    "3.0": "3.0.0",
    "3.1": "3.1.0",
    "3.2": "3.2.0",
    "3.3": "3.3.0",
    "3.4": "3.4.0",
    "3.5": "3.5.0",
    "3.6": "3.6.0",
    "3.7-experimental": "3.7.0-experimental",
}
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

    def paths(self, kind: str) -> set[str]:
        return {e.path for e in self.entries if e.kind == kind and e.path is not None}

    def positions(self, kind: str) -> set[tuple[str, int | None, int | None]]:
        return {(e.path, e.line, e.col) for e in self.entries if e.kind == kind and e.path}

    def messages(self, kind: str) -> set[tuple[str, str]]:
        return {(e.path, e.message) for e in self.entries if e.kind == kind and e.path}

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
def run_oracle(oracle: Oracle, config: Path) -> Report:
    return _run([str(oracle.validate), str(config)])


@functools.cache
def run_py(config: Path) -> Report:
    return _run([sys.executable, "-m", "ignition_py.validate_cli", str(config)])


def _configs(specs: list[str]) -> list[Path]:
    return [p for spec in specs for p in sorted((CORPUS / spec).glob("*.ign"))]


def config_id(config: Path) -> str:
    return config.relative_to(CORPUS).as_posix()


def spec_of(config: Path) -> str:
    return SPECS[config.parent.name]


ALL_CONFIGS = _configs(list(SPECS))
DEBIAN_CONFIGS = [c for c in ALL_CONFIGS if DEBIAN.knows(spec_of(c))]


def differences(
    ref: Report, py: Report, config: Path, *, extra_warnings: bool = False
) -> list[str]:
    """How ignition-py's verdict, error paths and warning paths differ from an oracle's.

    ``extra_warnings``: warnings ignition-py gives beyond the oracle's are allowed (a
    deliberate difference, see ``DELIBERATE``).
    """
    found: list[str] = []
    if "Traceback (most recent call last)" in py.stderr:
        found.append("ignition-py crashed with a traceback")
    if py.returncode != ref.returncode:
        found.append(f"exit code {py.returncode}, oracle {ref.returncode}")
    ref_errors = ref.paths("error")
    if ref_errors and py.paths("error") != ref_errors:
        found.append(f"error paths {sorted(py.paths('error'))}, oracle {sorted(ref_errors)}")
    # Where the oracle failed without a path (JSON syntax or type error, unsupported
    # version) ignition-py may name one: only the verdict is compared then.
    warned, ref_warned = py.paths("warning"), ref.paths("warning")
    if not (warned >= ref_warned if extra_warnings else warned == ref_warned):
        found.append(f"warning paths {sorted(warned)}, oracle {sorted(ref_warned)}")
    return found


def position_differences(ref: Report, py: Report, config: Path) -> list[str]:
    """The oracle's line:col positions that ignition-py does not report (same verdict)."""
    found: list[str] = []
    if py.returncode != ref.returncode:
        return found  # the verdict test reports that
    # A JSON syntax or type error: upstream names its line:col without a path (0:0 when
    # it has none, e.g. at the end of the input).
    ref_at = {(e.line, e.col) for e in ref.entries if e.kind == "error" and e.path is None}
    ref_at -= {(None, None), (0, 0)}
    py_at = {(e.line, e.col) for e in py.entries if e.kind == "error"}
    if ref_at - py_at and py.returncode == ref.returncode:
        found.append(f"error positions {sorted(py_at, key=str)}, oracle {sorted(ref_at, key=str)}")
    # Go's locator cannot follow keys spelled in another case and falls back to the root.
    if not _has_case_mismatched_keys(config):
        for kind in ("error", "warning"):
            missing = ref.positions(kind) - py.positions(kind)
            if missing and ref.paths(kind) <= py.paths(kind):
                found.append(f"{kind} positions: oracle has {sorted(missing)}")
    return found


def message_differences(ref: Report, py: Report) -> list[str]:
    """The oracle's (kind, path, message) entries that ignition-py words differently, on
    the paths both name. Ours may extend upstream's text after a colon (more detail)."""
    found = []
    for kind in ("error", "warning"):
        ours = py.messages(kind)
        shared = ref.paths(kind) & py.paths(kind)
        missing = {
            (path, text)
            for path, text in ref.messages(kind)
            if path in shared
            and not any(p == path and (t == text or t.startswith(text + ": ")) for p, t in ours)
        }
        if missing:
            found.append(f"{kind} messages {sorted(ours)}, oracle {sorted(missing)}")
    return found


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


MESSAGES = "#messages"
POSITIONS = "#positions"

# Where ignition-py differs from v2.26.0 and is wrong (see /work/notes/divergences-a.md):
# each is a strict xfail, to be removed when the product is fixed. Keys: a config id for
# the verdict/paths test, the id + POSITIONS or + MESSAGES for the line:col and wording tests.
_POS_TYPE_ERRORS = (
    "position (deliberate): for a JSON type error (a string where a number goes, a "
    "fraction in an integer) v2.26.0 gives the line:col just past the offending value and "
    "no path; ignition-py names the path and points at the value's start"
)
_POS_BOM = (
    "position: a UTF-8 BOM before the config: v2.26.0 reports col 2, ignition-py col 4 (bytes)"
)
_SAFETY_REFUSALS = (
    "deliberate (README: Safety): v2.26.0 accepts this config and then fails in the stage "
    "or damages the root; ignition-py refuses it at validation"
)
_BUTANE_ACCEPTED = (
    "deliberate (README: Formats accepted): a Butane config is translated and checked "
    "wherever a config is read, ignition-validate included; v2.26.0 refuses YAML"
)
KNOWN_DIVERGENCES: dict[str, str] = {
    "3.0/not-config-butane-yaml.ign": _BUTANE_ACCEPTED,
    "3.3/files-root-path.ign": _SAFETY_REFUSALS,
    "3.3/partition-start-size-huge.ign": _SAFETY_REFUSALS,
    **{
        i + POSITIONS: _POS_TYPE_ERRORS
        for i in (
            "3.0/c-int-uid-beyond-int64.ign",
            "3.0/int-gid-float-whole.ign",
            "3.0/int-mode-exponent.ign",
            "3.0/int-mode-float-whole.ign",
            "3.0/int-mode-fraction.ign",
            "3.0/int-owner-id-fraction.ign",
            "3.0/int-partition-number-float.ign",
            "3.0/int-size-mib-fraction.ign",
            "3.0/int-start-mib-negative-exponent.ign",
            "3.0/int-timeout-exponent.ign",
            "3.0/int-uid-exponent.ign",
            "3.0/type-error-path-number.ign",
            "3.1/type-error-bool-as-string.ign",
            "3.1/type-error-mode-string.ign",
            "3.1/type-error-path-number.ign",
            "3.2/type-error-path-number.ign",
            "3.3/c-int-partition-number-fraction.ign",
            "3.3/int-gid-float-whole.ign",
            "3.3/int-mode-exponent-raw.ign",
            "3.3/int-mode-exponent.ign",
            "3.3/int-mode-float-whole.ign",
            "3.3/int-mode-fraction.ign",
            "3.3/int-mode-huge-exponent-raw.ign",
            "3.3/int-owner-id-fraction.ign",
            "3.3/int-partition-number-float.ign",
            "3.3/int-size-mib-fraction.ign",
            "3.3/int-start-mib-negative-exponent.ign",
            "3.3/int-timeout-exponent.ign",
            "3.3/int-uid-exponent-plus-raw.ign",
            "3.3/int-uid-exponent.ign",
            "3.3/kargs-type-error.ign",
            "3.3/not-config-version-number.ign",
            "3.3/pretty-type-error.ign",
            "3.3/timeouts-type-error.ign",
            "3.3/type-error-bool-as-string.ign",
            "3.3/type-error-mode-string.ign",
            "3.3/type-error-path-number.ign",
            "3.3/uid-float.ign",
            "3.4/c-int-mode-exponent.ign",
            "3.4/int-gid-float-whole.ign",
            "3.4/int-mode-exponent.ign",
            "3.4/int-mode-float-whole.ign",
            "3.4/int-mode-fraction.ign",
            "3.4/int-owner-id-fraction.ign",
            "3.4/int-partition-number-float.ign",
            "3.4/int-size-mib-fraction.ign",
            "3.4/int-start-mib-negative-exponent.ign",
            "3.4/int-timeout-exponent.ign",
            "3.4/int-uid-exponent.ign",
            "3.4/luks-clevis-threshold-float.ign",
            "3.4/luks-discard-type-error.ign",
            "3.4/luks-open-options-type-error.ign",
            "3.4/raid-spares-float.ign",
            "3.5/cex-type-error.ign",
            "3.5/luks-clevis-threshold-float.ign",
            "3.5/raid-spares-float.ign",
            "3.6/int-gid-float-whole.ign",
            "3.6/int-mode-exponent-raw.ign",
            "3.6/int-mode-exponent.ign",
            "3.6/int-mode-float-whole.ign",
            "3.6/int-mode-fraction.ign",
            "3.6/int-mode-huge-exponent-raw.ign",
            "3.6/int-owner-id-fraction.ign",
            "3.6/int-partition-number-float.ign",
            "3.6/int-size-mib-fraction.ign",
            "3.6/int-start-mib-negative-exponent.ign",
            "3.6/int-timeout-exponent.ign",
            "3.6/int-uid-exponent-plus-raw.ign",
            "3.6/int-uid-exponent.ign",
            "3.6/luks-clevis-threshold-float.ign",
            "3.6/raid-spares-float.ign",
            "3.7-experimental/int-gid-float-whole.ign",
            "3.7-experimental/int-mode-exponent.ign",
            "3.7-experimental/int-mode-float-whole.ign",
            "3.7-experimental/int-mode-fraction.ign",
            "3.7-experimental/int-owner-id-fraction.ign",
            "3.7-experimental/int-partition-number-float.ign",
            "3.7-experimental/int-size-mib-fraction.ign",
            "3.7-experimental/int-start-mib-negative-exponent.ign",
            "3.7-experimental/int-timeout-exponent.ign",
            "3.7-experimental/int-uid-exponent.ign",
            "3.7-experimental/luks-clevis-threshold-float.ign",
            "3.7-experimental/raid-spares-float.ign",
        )
    },
    **{
        i + POSITIONS: _POS_BOM
        for i in (
            "3.1/utf8-bom.ign",
            "3.3/utf8-bom.ign",
        )
    },
}


# Differences kept on purpose: ignition-py warns where upstream stays silent; verdict and
# error paths equal. Config id -> why the extra warning helps the user.
_DUPLICATE_KEYS = "a key given twice in one JSON object: upstream silently keeps the last"
_CASE_KEYS = "keys spelled in another case: says which spec key each one is read as"
_EMPTY_NAME = "an empty user name passes validation but fails the passwd stage"
DELIBERATE: dict[str, str] = {
    "3.0/duplicate-keys-last-bad.ign": _DUPLICATE_KEYS,
    "3.0/duplicate-keys.ign": _DUPLICATE_KEYS,
    "3.0/keys-different-case.ign": _CASE_KEYS,
    "3.2/duplicate-keys-last-bad.ign": _DUPLICATE_KEYS,
    "3.2/duplicate-keys.ign": _DUPLICATE_KEYS,
    "3.2/keys-different-case.ign": _CASE_KEYS,
    "3.3/duplicate-keys-last-bad.ign": _DUPLICATE_KEYS,
    "3.3/duplicate-keys.ign": _DUPLICATE_KEYS,
    "3.3/keys-different-case.ign": _CASE_KEYS,
    "3.3/user-empty-name.ign": _EMPTY_NAME,
    "3.4/duplicate-keys.ign": _DUPLICATE_KEYS,
}

# Where Debian's 2.14 and v2.26.0 disagree on a config of spec <= 3.3: v2.26.0 decides.
_DEBIAN_UNIT_PATHS = "v2.26.0 rejects a node at a systemd unit or dropin path; 2.14 accepts it"
DEBIAN_DIFFERS: dict[str, str] = {
    "3.0/c-conflict-dir-at-dropin-path.ign": _DEBIAN_UNIT_PATHS,
    "3.0/unitpath-dir.ign": _DEBIAN_UNIT_PATHS,
    "3.0/unitpath-dropin-file.ign": _DEBIAN_UNIT_PATHS,
    "3.0/unitpath-file.ign": _DEBIAN_UNIT_PATHS,
    "3.0/unitpath-link.ign": _DEBIAN_UNIT_PATHS,
    "3.1/unitpath-dropin-file.ign": _DEBIAN_UNIT_PATHS,
    "3.1/unitpath-file.ign": _DEBIAN_UNIT_PATHS,
    "3.1/unitpath-link.ign": _DEBIAN_UNIT_PATHS,
    "3.2/unitpath-dropin-file.ign": _DEBIAN_UNIT_PATHS,
    "3.2/unitpath-file.ign": _DEBIAN_UNIT_PATHS,
    "3.2/unitpath-link.ign": _DEBIAN_UNIT_PATHS,
    "3.3/files-conflict-systemd-unit.ign": _DEBIAN_UNIT_PATHS,
    "3.3/fs-overwrites-partitioned-disk.ign": "v2.26.0 warns: fs on a wipeTable disk; 2.14 not",
    "3.3/hard-link-with-owner.ign": "v2.26.0 warns: hard link owner; 2.14 does not",
    "3.3/template-enabled-no-install.ign": "v2.26.0 warns: template without [Install]; 2.14 not",
    "3.3/unitpath-dir.ign": _DEBIAN_UNIT_PATHS,
    "3.3/unitpath-dropin-file.ign": _DEBIAN_UNIT_PATHS,
    "3.3/unitpath-file.ign": _DEBIAN_UNIT_PATHS,
    "3.3/unitpath-link.ign": _DEBIAN_UNIT_PATHS,
}


def _marked(configs: list[Path], suffix: str = "") -> list[Any]:
    params: list[Any] = []
    for config in configs:
        key = config_id(config) + suffix
        reason = KNOWN_DIVERGENCES.get(key)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(config, id=config_id(config), marks=marks))
    return params


def _context(config: Path, name: str, ref: Report, py: Report) -> str:
    return f"{config}\n=== {name} ===\n{ref.describe()}\n=== ignition-py ===\n{py.describe()}"


def _against_upstream(config: Path, found: Callable[[Report, Report], list[str]]) -> None:
    require(UPSTREAM)
    ref = run_oracle(UPSTREAM, config)
    py = run_py(config)
    assert ref.returncode in (0, 1), f"unexpected oracle exit code\n{ref.describe()}"
    problems = found(ref, py)
    assert not problems, "\n".join(problems) + "\n" + _context(config, UPSTREAM.name, ref, py)


@pytest.mark.parametrize("config", _marked(ALL_CONFIGS))
def test_matches_upstream(config: Path) -> None:
    """Same verdict, error paths and warning paths as v2.26.0."""
    extra = config_id(config) in DELIBERATE
    _against_upstream(config, lambda ref, py: differences(ref, py, config, extra_warnings=extra))


@pytest.mark.parametrize("config", _marked(ALL_CONFIGS, POSITIONS))
def test_positions_match_upstream(config: Path) -> None:
    """Where upstream prints a line:col, ignition-py reports a problem at the same place."""
    _against_upstream(config, lambda ref, py: position_differences(ref, py, config))


@pytest.mark.parametrize("config", _marked(ALL_CONFIGS, MESSAGES))
def test_messages_match_upstream(config: Path) -> None:
    """Where upstream names a path, ignition-py words the problem the same way."""
    _against_upstream(config, message_differences)


@pytest.mark.parametrize("config", DEBIAN_CONFIGS, ids=config_id)
def test_matches_debian_where_it_agrees(config: Path) -> None:
    """2.14 as a second opinion on verdicts, paths and positions (message texts are
    v2.26.0's): where it agrees with v2.26.0, ignition-py agrees with it too."""
    require(DEBIAN)
    require(UPSTREAM)
    debian = run_oracle(DEBIAN, config)
    upstream = run_oracle(UPSTREAM, config)
    oracles_differ = differences(upstream, debian, config)
    oracles_differ += position_differences(upstream, debian, config)
    if config_id(config) in DEBIAN_DIFFERS:
        assert oracles_differ, "2.14 now agrees with v2.26.0: drop it from DEBIAN_DIFFERS"
        return
    assert not oracles_differ, (
        "2.14 and v2.26.0 disagree: list it in DEBIAN_DIFFERS with the reason\n"
        + "\n".join(oracles_differ)
        + "\n"
        + _context(config, DEBIAN.name, debian, upstream)
    )
    if config_id(config) in KNOWN_DIVERGENCES:
        return  # already a strict xfail against v2.26.0
    py = run_py(config)
    found = differences(debian, py, config, extra_warnings=config_id(config) in DELIBERATE)
    if config_id(config) + POSITIONS not in KNOWN_DIVERGENCES:
        found += position_differences(debian, py, config)
    assert not found, "\n".join(found) + "\n" + _context(config, DEBIAN.name, debian, py)


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
    assert len(ALL_CONFIGS) >= 400, len(ALL_CONFIGS)
    for spec in SPECS:
        assert len(list((CORPUS / spec).glob("*.ign"))) >= 15, f"few configs for spec {spec}"
    assert not list(CORPUS.glob("*/*.expect.json")), "expectations are checked live now"
    ids = {config_id(c) for c in ALL_CONFIGS}
    assert {key.split("#")[0] for key in KNOWN_DIVERGENCES} <= ids
    assert set(DELIBERATE) <= ids
    assert set(DEBIAN_DIFFERS) <= {config_id(c) for c in DEBIAN_CONFIGS}

    docs = _parsed(ALL_CONFIGS)
    uncovered = [".".join(s) for s in SECTIONS if not any(_has(d, s) for d in docs)]
    assert not uncovered, f"sections no config exercises: {uncovered}"

    names = {p.stem for p in ALL_CONFIGS}
    assert any(n.startswith("not-config-") for n in names)
    assert any(n.startswith("type-error-") for n in names)
