"""Boot the same config with upstream Ignition v2.26.0 (its Go binary dropped into the same
dracut module and image) and with ignition-py, one VM at a time, and print side by side:
seconds from QEMU start to ignition complete and to switch-root, the time spent in the
stages, and the initramfs size.

    .venv/bin/python -m bench.boot_bench [--config examples/demo.ign] [--runs 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
AGENTS = ("upstream", "ignition-py")


def boot_once(agent: str, config: Path, out: Path) -> dict[str, Any]:
    done = subprocess.run(
        [str(REPO / "qemu-harness" / "boot"), "--config", str(config), "--agent", agent,
         "--out", str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    if done.returncode != 0:
        print(f"  {agent}: the boot failed (exit {done.returncode}); see {out}")
    return summary


def figures(summaries: list[dict[str, Any]]) -> dict[str, float]:
    def median(key: str) -> float:
        values = [float(s["milestones_seconds"].get(key, "nan")) for s in summaries]
        return statistics.median(values)

    return {
        "ignition complete (s)": median("ignition_complete"),
        "switch-root (s)": median("switch_root"),
        "time in stages (s)": statistics.median(s["stage_time_total_seconds"] for s in summaries),
        "initramfs (MB)": summaries[0]["initramfs_bytes"] / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", type=Path, default=REPO / "examples" / "demo.ign")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="boot-bench-") as tmp:
        for agent in AGENTS:
            summaries = [
                boot_once(agent, args.config, Path(tmp) / f"{agent}-{run}")
                for run in range(args.runs)
            ]
            results[agent] = figures(summaries)
    print(f"boot of {args.config.name}, median of {args.runs} run(s), TCG, one VM at a time")
    print(f"  {'':24} {'Go v2.26.0':>10} {'ignition-py':>12} {'ratio':>7}")
    for key in results["upstream"]:
        go, ours = results["upstream"][key], results["ignition-py"][key]
        print(f"  {key:24} {go:10.1f} {ours:12.1f} {ours / go:7.2f}")


if __name__ == "__main__":
    main()
