"""The files stage of ignition-py against Go Ignition 2.14, in one run, on the same
configs and the same root tree: a typical node config, and 10,000 files with 1,000
units. Wall time of the whole stage process (start-up included), median of a few runs,
and the ratio. Run as root: `.venv/bin/python -m bench.files_bench`."""

from __future__ import annotations

import resource
import statistics
import time
from pathlib import Path
from typing import Any

from testkit.agents import DEBIAN, OURS
from testkit.stagerun import run_stages
from testkit.trees import make_root, work_dir

INSTALL = "[Install]\nWantedBy=multi-user.target\n"
DROPIN = "[Service]\nEnvironment=A=1\n"


def typical_config() -> dict[str, Any]:
    unit = "[Unit]\nDescription=node service\n[Service]\nExecStart=/bin/true\n" + INSTALL
    return {
        "ignition": {"version": "3.3.0"},
        "passwd": {
            "users": [
                {"name": "ops", "groups": ["wheel"], "sshAuthorizedKeys": ["ssh-ed25519 AAAA ops"]},
                {"name": "app", "system": True, "noCreateHome": True},
            ]
        },
        "storage": {
            "directories": [{"path": f"/etc/app/conf{i}.d", "mode": 0o750} for i in range(5)],
            "files": [
                {
                    "path": f"/etc/app/conf{i % 5}.d/file{i}.conf",
                    "mode": 0o640,
                    "contents": {"source": f"data:,setting%20{i}%3Dvalue%0A"},
                }
                for i in range(20)
            ]
            + [{"path": "/etc/hostname", "overwrite": True, "contents": {"source": "data:,node1"}}],
            "links": [
                {"path": f"/usr/local/bin/tool{i}", "target": f"/opt/tool{i}/bin/tool"}
                for i in range(5)
            ],
        },
        "systemd": {
            "units": [
                {
                    "name": f"node{i}.service",
                    "enabled": True,
                    "contents": unit,
                    "dropins": [{"name": "10-env.conf", "contents": DROPIN}],
                }
                for i in range(10)
            ]
            + [{"name": "unwanted.service", "mask": True}]
        },
    }


def large_config(files: int = 10_000, units: int = 1_000) -> dict[str, Any]:
    unit = "[Unit]\nDescription=bench\n[Service]\nExecStart=/bin/true\n" + INSTALL
    return {
        "ignition": {"version": "3.3.0"},
        "storage": {
            "files": [
                {
                    "path": f"/etc/bench/dir{i // 100}/file{i}",
                    "mode": 0o644,
                    "overwrite": True,
                    "contents": {"source": f"data:,file%20{i}"},
                }
                for i in range(files)
            ]
        },
        "systemd": {
            "units": [
                {"name": f"bench{i}.service", "enabled": True, "contents": unit}
                for i in range(units)
            ]
        },
    }


def time_once(agent: Path, config: dict[str, Any]) -> tuple[float, float]:
    """(wall, CPU user+system) of one stage process on a fresh root tree."""
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        stages = ["fetch-offline", "files"]
        done = run_stages(agent, work / "scratch", stages, root=root, user_config=config)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{agent} failed:\n{done.output[-2000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return elapsed, cpu


def time_both(config: dict[str, Any], runs: int) -> dict[str, tuple[float, float]]:
    """Medians per agent, interleaved so that both see the same machine load."""
    samples: dict[str, list[tuple[float, float]]] = {"ours": [], "go": []}
    for _ in range(runs):
        samples["ours"].append(time_once(OURS, config))
        samples["go"].append(time_once(DEBIAN.agent, config))
    return {
        name: (statistics.median(s[0] for s in runs_), statistics.median(s[1] for s in runs_))
        for name, runs_ in samples.items()
    }


def main() -> None:
    if not DEBIAN.agent.exists():
        print(f"files bench: no oracle: {DEBIAN.missing_reason()}")
        return
    print("files stage process, ignition-py vs Go 2.14: median wall time (disk-bound, noisy on")
    print("a shared machine) and median CPU time (user+system), with ratios ours/go")
    for name, config, runs in (
        ("typical node config", typical_config(), 7),
        ("10,000 files + 1,000 units", large_config(), 5),
    ):
        result = time_both(config, runs)
        (ours_wall, ours_cpu), (go_wall, go_cpu) = result["ours"], result["go"]
        print(
            f"  {name:<28} wall {ours_wall * 1000:6.0f} / {go_wall * 1000:6.0f} ms "
            f"= {ours_wall / go_wall:4.2f}x   cpu {ours_cpu * 1000:6.0f} / {go_cpu * 1000:6.0f} ms "
            f"= {ours_cpu / go_cpu:4.2f}x"
        )


if __name__ == "__main__":
    main()
