"""Validator speed against upstream's Go ignition-validate (v2.26.0 and Debian's 2.14,
testkit/agents.py) on one large config, and the import time of what a stage process loads."""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.files_bench import large_config
from testkit.agents import ORACLES

RUNS = 5
STAGE_IMPORTS = ("ignition_py.agent_cli", "ignition_py.config.cache")


def time_command(argv: list[str]) -> tuple[float, int]:
    samples = []
    status = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        status = subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        ).returncode
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), status


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.ign"
        path.write_text(json.dumps(large_config()))
        size_mib = path.stat().st_size / 2**20
        ours, our_status = time_command(
            [sys.executable, "-m", "ignition_py.validate_cli", str(path)]
        )
        print(f"validate: 10,000 files and 1,000 units ({size_mib:.1f} MiB), median of {RUNS} runs")
        print(f"  ignition-py  {ours * 1000:8.0f} ms  (exit {our_status})")
        for oracle in ORACLES:
            if not oracle.present():
                print(f"  {oracle.missing_reason()}: no ratio")
                continue
            go, go_status = time_command([str(oracle.validate), str(path)])
            print(f"  {oracle.name}: {go * 1000:8.0f} ms  (exit {go_status})")
            print(f"  ratio ignition-py / {oracle.name}: {ours / go:.2f}x (below 1 is faster)")
    together = " ".join(STAGE_IMPORTS)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {', '.join(STAGE_IMPORTS)}"],
        capture_output=True,
        text=True,
        check=True,
    )
    total_us = sum(
        int(m.group(1))
        for m in (
            re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\S+)$", line)
            for line in done.stderr.splitlines()
        )
        if m and m.group(2) in STAGE_IMPORTS
    )
    print(f"stage process imports ({together}): {total_us / 1000:.1f} ms (aim: under 60 ms)")
