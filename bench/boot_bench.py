"""Boot the same configs with each agent, one VM at a time, and print side by side the
time in each stage, their sum, seconds from QEMU start to ignition-complete and to
switch-root, and the initramfs size, with ignition-py's ratios against each upstream.

Agents: upstream v2.26.0 (its Go binary dropped into our dracut module and image, so
only the agent differs), Debian's Go Ignition 2.14 with its own module, and ignition-py.
Configs: examples/demo.ign and bench.node_config (4 partitions, 3 filesystems, 200
files, 20 units, 3 users). Each stage's time runs from systemd's "Starting" to its
"Finished" line on the serial console (the unit's start-up included, for every agent).

    .venv/bin/python -m bench.boot_bench [--runs 3] [--config FILE ...] [--agent NAME ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from .node_config import node_config

REPO = Path(__file__).resolve().parents[1]
AGENTS = ("upstream", "debian", "ignition-py")
LABELS = {"upstream": "Go v2.26.0", "debian": "Go 2.14", "ignition-py": "ignition-py"}
STAGES = ("fetch-offline", "fetch", "kargs", "disks", "mount", "files")


def boot_once(agent: str, config: Path, out: Path) -> dict[str, Any] | None:
    """One boot through qemu-harness/boot; its summary.json, or None when it failed."""
    done = subprocess.run(
        [str(REPO / "qemu-harness" / "boot"), "--config", str(config), "--agent", agent,
         "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    summary_file = out / "summary.json"
    if done.returncode != 0 or not summary_file.exists():
        print(f"  {agent}: the boot failed (exit {done.returncode}); see {out}", flush=True)
        return None
    summary: dict[str, Any] = json.loads(summary_file.read_text())
    return summary


def figures(summaries: list[dict[str, Any]]) -> dict[str, float]:
    """Medians over runs: each stage's seconds, their sum, the milestones, the size (MB)."""
    rows: dict[str, float] = {}
    for stage in STAGES:
        values = [
            times["end"] - times["start"]
            for s in summaries
            if (times := s["stages_seconds"].get(stage)) and "end" in times
        ]
        if values:
            rows[f"  {stage}"] = statistics.median(values)
    rows["time in stages"] = statistics.median(s["stage_time_total_seconds"] for s in summaries)
    for key, label in (("ignition_complete", "ignition-complete"), ("switch_root", "switch-root")):
        rows[label] = statistics.median(
            float(s["milestones_seconds"].get(key, "nan")) for s in summaries
        )
    rows["initramfs (MB)"] = summaries[0]["initramfs_bytes"] / 1e6
    return rows


def table(name: str, runs: int, results: dict[str, dict[str, float]]) -> str:
    agents = [a for a in AGENTS if a in results]
    others = [a for a in agents if a != "ignition-py"]
    lines = [f"boot of {name}: median of {runs} run(s), TCG, one VM at a time (seconds)"]
    header = f"  {'':20}" + "".join(f"{LABELS[a]:>13}" for a in agents)
    if "ignition-py" in results:
        header += "".join(f"{'ratio/' + LABELS[a]:>20}" for a in others)
    lines.append(header)
    for key in dict.fromkeys(k for a in agents for k in results[a]):
        row = f"  {key:20}" + "".join(
            f"{results[a][key]:13.2f}" if key in results[a] else f"{'-':>13}" for a in agents
        )
        ours = results.get("ignition-py", {}).get(key)
        for other in others:
            theirs = results[other].get(key)
            ratio = f"{ours / theirs:.2f}" if ours is not None and theirs else "-"
            row += f"{ratio:>20}"
        lines.append(row)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--config",
        type=Path,
        action="append",
        help="a config to boot (repeatable); default: the demo and the node",
    )
    parser.add_argument(
        "--agent",
        action="append",
        choices=AGENTS,
        help="an agent to boot (repeatable); default: all three",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="keep each boot's output under this directory")
    args = parser.parse_args()
    agents = args.agent or list(AGENTS)
    with tempfile.TemporaryDirectory(prefix="boot-bench-") as tmp:
        where = args.keep or Path(tmp)
        configs = args.config
        if not configs:
            node = Path(tmp) / "node.ign"
            node.write_text(json.dumps(node_config()))
            configs = [REPO / "examples" / "demo.ign", node]
        for config in configs:
            summaries: dict[str, list[dict[str, Any]]] = {agent: [] for agent in agents}
            for run in range(args.runs):
                # interleaved, so that a change in the machine's load hits every agent alike
                for agent in agents:
                    summary = boot_once(agent, config, where / f"{config.stem}-{agent}-{run}")
                    if summary is not None:
                        summaries[agent].append(summary)
            results = {agent: figures(done) for agent, done in summaries.items() if done}
            print(table(config.name, args.runs, results), flush=True)


if __name__ == "__main__":
    main()
