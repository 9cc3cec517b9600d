"""Running Butane v0.29.0 on a corpus config and reading its answer: the output JSON and the
(severity, path, message) of each problem it printed."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from tests.oracles import BUTANE as BUTANE_TOOL

BUTANE = BUTANE_TOOL.path
SUGAR_KEYS = frozenset({"variant", "version", "boot_device", "grub", "metadata", "openshift"})

_HEADER = re.compile(r"^(error|warning)\[\$([^\]]*)\]:(.*)$")
_CARETS = re.compile(r"^\s*\|\s*\^+ (.*)$")

Problem = tuple[str, tuple[str | int, ...], str]


class Answer:
    """Butane's exit status, output config (None on failure) and problems."""

    __slots__ = ("config", "problems", "returncode")

    def __init__(self, returncode: int, config: dict[str, Any] | None, problems: list[Problem]):
        self.returncode = returncode
        self.config = config
        self.problems = problems


def run_butane(source: Path, *, strict: bool, raw: bool) -> Answer:
    """butane [--strict] [--raw] source."""
    args = [str(BUTANE), *(["--strict"] if strict else []), *(["--raw"] if raw else [])]
    done = subprocess.run([*args, str(source)], capture_output=True, text=True, check=False)
    config = json.loads(done.stdout) if done.returncode == 0 else None
    return Answer(done.returncode, config, parse_problems(done.stderr))


def parse_problems(stderr: str) -> list[Problem]:
    problems: list[Problem] = []
    pending: tuple[str, tuple[str | int, ...]] | None = None
    for line in stderr.splitlines():
        header = _HEADER.match(line)
        if header:
            severity, dotted, rest = header.groups()
            path = tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p)
            if rest.strip():
                problems.append((severity, path, rest.strip()))
            else:
                pending = (severity, path)
            continue
        carets = _CARETS.match(line)
        if carets and pending is not None:
            problems.append((*pending, carets.group(1).strip()))
            pending = None
    return problems


def decode_data_urls(node: Any) -> Any:
    """The config with each gzip data URL replaced by its contents: Go's gzip bytes are not
    Python's, the decompressed text is what must agree."""
    import base64
    import gzip

    if isinstance(node, dict):
        out = {k: decode_data_urls(v) for k, v in node.items()}
        source = out.get("source")
        if out.get("compression") == "gzip" and isinstance(source, str):
            out["source"] = gzip.decompress(base64.b64decode(source.split(",", 1)[1])).decode()
        return out
    if isinstance(node, list):
        return [decode_data_urls(v) for v in node]
    return node


def normalize_unused(problems: list[Problem]) -> list[Problem]:
    """Butane reports the unused keys of one mapping in Go's map order, which varies from run
    to run: sort each run of unused-key warnings under one parent path."""
    out: list[Problem] = []
    run: list[Problem] = []

    def unused(p: Problem) -> bool:
        return p[0] == "warning" and p[2].startswith("unused key ")

    for problem in [*problems, ("", (), "")]:
        if run and not (unused(problem) and problem[1][:-1] == run[0][1][:-1]):
            out += sorted(run, key=lambda p: str(p[1][-1]))
            run = []
        if unused(problem):
            run.append(problem)
        elif problem[0]:
            out.append(problem)
    return out
