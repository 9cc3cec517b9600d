"""Butane v0.29.0 (the `butane` oracle binary) run on a config, and its answer read back
into comparable parts: the JSON it printed, and each problem as (severity, Butane path,
line, column, message); plus ignition-py's answer for the same text in the same shape."""

from __future__ import annotations

import base64
import gzip
import json
import re
import subprocess
import urllib.parse
from pathlib import Path
from typing import Any

from tests.oracles import BUTANE as BUTANE_TOOL

BUTANE = BUTANE_TOOL.path

_HEADER = re.compile(r"^(error|warning)\[(\$[^\]]*)\]:\n\s+--> [^\n]*:(\d+):(\d+)\n", re.M)
_CARETS = re.compile(r"^\s*\|\s*\^+ (.*)$", re.M)
_PLAIN = re.compile(r"^(error|warning)(?:\[(\$[^\]]*)\])?: (.*)$", re.M)
_UNMARSHAL_LINE = re.compile(r"^\s+line (\d+): (.*)$", re.M)

# Butane's closing line when the problems above say it all.
_SUMMARIES = ("source config is invalid", "config generated was invalid")

Problem = tuple[str, str | None, int | None, int | None, str]


class Answer:
    """One side's answer: the JSON tree (None when it refused) and the problems."""

    def __init__(self, tree: Any, problems: list[Problem], fatal: str | None = None) -> None:
        self.tree, self.problems, self.fatal = tree, problems, fatal


def run_butane(
    path: Path, *, strict: bool = False, files_dir: Path | None = None, raw: bool = False
) -> Answer:
    """Butane's answer for the config at `path` (run where it lies); `raw` (openshift) asks
    for the Ignition config instead of a MachineConfig."""
    args = [str(BUTANE), *(["--strict"] if strict else []), *(["--raw"] if raw else []), path.name]
    if files_dir is not None:
        args[1:1] = ["--files-dir", str(files_dir)]
    done = subprocess.run(args, cwd=path.parent, capture_output=True, text=True, check=False)
    problems: list[Problem] = []
    blocks = re.split(r"\n(?=(?:error|warning)[\[:])", done.stderr)
    fatal = None
    for block in blocks:
        head = _HEADER.match(block)
        if head:
            carets = _CARETS.search(block)
            message = carets.group(1) if carets else ""
            problems.append(
                (head.group(1), head.group(2), int(head.group(3)), int(head.group(4)), message)
            )
            continue
        plain = _PLAIN.match(block)
        if plain:
            problems.append((plain.group(1), plain.group(2), None, None, plain.group(3).strip()))
    last = re.search(r"^Error translating config: (.*)", done.stderr, re.M | re.S)
    if last:
        fatal = last.group(1).strip()
        syntax = re.match(r"Error unmarshaling yaml: (yaml: )line (\d+): (.*)", fatal)
        if "unmarshal errors:" in fatal:
            for line, message in _UNMARSHAL_LINE.findall(fatal):
                problems.append(("error", None, int(line), None, message))
        elif syntax:
            problems.append(("error", None, int(syntax.group(2)), None, "yaml: " + syntax.group(3)))
        elif not problems and fatal not in _SUMMARIES:
            # yaml.v3's reader errors have no line
            fatal_message = fatal.removeprefix("Error unmarshaling yaml: ")
            problems.append(("error", None, None, None, fatal_message))
    tree = json.loads(done.stdout) if done.returncode == 0 and done.stdout.strip() else None
    return Answer(tree, problems, fatal)


def run_ours(path: Path, files_dir: Path | None = None) -> Answer:
    """ignition-py's answer for the same text (translation and Ignition's checks)."""
    from ignition_py.butane.front import translate_butane
    from ignition_py.config.parse import parse_config
    from ignition_py.config.report import format_path

    raw = path.read_bytes()  # as the agent reads it: the YAML reader judges the UTF-8
    text = raw.decode("utf-8", "surrogateescape")
    parsed = parse_config(raw, files_dir=None if files_dir is None else str(files_dir))
    problems: list[Problem] = []
    for entry in parsed.report:
        where = None if entry.path is None else format_path(entry.path)
        # Butane places a problem without a path by line only (ignition-py adds the column)
        column = None if entry.path is None else entry.column
        problems.append((entry.severity.value, where, entry.line, column, entry.message))
    tree = None
    if not parsed.report.has_errors:
        tree = translate_butane(text, None if files_dir is None else str(files_dir)).tree
    return Answer(tree, problems)


def comparable(tree: Any) -> Any:
    """A JSON tree with each data URL decoded (and gunzipped): Go's and zlib's gzip
    streams differ for the same bytes, and so, at the margin, does which encoding is
    the shortest; what the node ends up holding must not."""
    if isinstance(tree, list):
        return [comparable(v) for v in tree]
    if not isinstance(tree, dict):
        return tree
    out = {k: comparable(v) for k, v in tree.items()}
    source = out.get("source")
    if isinstance(source, str) and source.startswith("data:"):
        meta, _, data = source[5:].partition(",")
        raw = (
            base64.b64decode(data)
            if meta.endswith(";base64")
            else urllib.parse.unquote_to_bytes(data)
        )
        if out.get("compression") == "gzip":
            try:
                raw = gzip.decompress(raw)
                out["compression"] = ""
            except OSError:
                pass
        out["source"] = ("decoded", raw.decode("utf-8", "replace"))
    return out
