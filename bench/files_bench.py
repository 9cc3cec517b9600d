"""The files stage of ignition-py against upstream Ignition v2.26.0 and Debian's Go
Ignition 2.14, in one run, on the same configs and the same root tree: a typical node
config, and 10,000 files with 1,000 units. Wall and CPU (user+system) time of the
fetch-offline and files stage processes (start-up included), medians of a few runs
interleaved, and the ratios. Run as root: `.venv/bin/python -m bench.files_bench`.

What is measured is what boots: ignition-py as the dracut module ships it (the staged
payload, precompiled schema validators, launched by `python3 -IS`), and each run writes
into a freshly made ext4 (as the target root is at boot), not into a directory of the
host's filesystem, whose cost per created file depends on what earlier runs deleted."""

from __future__ import annotations

import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from testkit.agents import DEBIAN, UPSTREAM
from testkit.payload import stage_payload
from testkit.scratch_fs import fresh_ext4
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
    """(wall, CPU user+system) of the stage processes on a fresh root tree in a new ext4."""
    with work_dir() as work, fresh_ext4(work / "root") as root:
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


def time_all(
    agents: dict[str, Path], config: dict[str, Any], runs: int
) -> dict[str, tuple[float, float]]:
    """(wall, CPU) medians per agent, interleaved so that all see the same machine load."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in agents}
    for _ in range(runs):
        for name, agent in agents.items():
            samples[name].append(time_once(agent, config))
    return {
        name: (statistics.median(s[0] for s in runs_), statistics.median(s[1] for s in runs_))
        for name, runs_ in samples.items()
    }


def main() -> None:
    if os.geteuid() != 0:
        raise SystemExit("files bench: run it as root (it mounts a fresh ext4 for each run)")
    with tempfile.TemporaryDirectory(prefix="ign-bench-payload-") as staging:
        launcher = stage_payload(Path(staging))
        print(f"files bench: ignition-py is the staged initramfs payload, run by {launcher}")
        print("files bench: each run's root is a freshly made ext4 (loop device on /dev/shm)")
        compare(launcher)


def compare(ours: Path) -> None:
    agents = {"ignition-py": ours}
    for label, oracle in (("Go v2.26.0", UPSTREAM), ("Go 2.14", DEBIAN)):
        if oracle.agent.exists():
            agents[label] = oracle.agent
        else:
            print(f"files bench: no {label}: {oracle.missing_reason()}")
    if len(agents) == 1:
        return
    print("fetch-offline + files stage processes: median wall time (noisy on a shared")
    print("machine) and median CPU time (user+system); ratios are ignition-py / Go")
    for name, config, runs in (
        ("typical node config", typical_config(), 7),
        ("10,000 files + 1,000 units", large_config(), 5),
    ):
        result = time_all(agents, config, runs)
        ours_wall, ours_cpu = result["ignition-py"]
        print(f"  {name} (median of {runs}): ignition-py wall {ours_wall * 1000:.0f} ms, "
              f"cpu {ours_cpu * 1000:.0f} ms")  # fmt: skip
        for label in agents:
            if label == "ignition-py":
                continue
            wall, cpu = result[label]
            print(
                f"    vs {label:<11} wall {wall * 1000:6.0f} ms = {ours_wall / wall:4.2f}x   "
                f"cpu {cpu * 1000:6.0f} ms = {ours_cpu / cpu:4.2f}x"
            )


if __name__ == "__main__":
    main()
