"""The files stage of ignition-py against upstream Ignition v2.26.0 and Debian's Go
Ignition 2.14, in one run, on the same configs and the same root tree: a typical node
config, and 10,000 files with 1,000 units. Wall time of the fetch-offline and files stage
processes (start-up included) and the CPU time (user+system) of the control group they
run in (bench.cgroup_cpu: their tools included), medians of a few runs interleaved, and
the ratios. Run as root: `.venv/bin/python -m bench.files_bench`.

What is measured is what boots: ignition-py as the dracut module ships it (the staged
payload, precompiled schema validators, launched by `python3 -IS`), and each run writes
into a freshly made ext4 (as the target root is at boot), not into a directory of the
host's filesystem, whose cost per created file depends on what earlier runs deleted.
ignition-py runs both ways it can at boot: each stage's process loading the agent itself
(cold: ignition-py-warm-up.service masked), and served by the fork server (the unit's
code, on a socket of the bench's), whose own CPU during each run is added to the run's;
what loading the agent once cost the server is printed apart."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from testkit.agents import DEBIAN, UPSTREAM
from testkit.payload import PYTHON, stage_payload, warm_up_code
from testkit.scratch_fs import fresh_ext4
from testkit.stagerun import DEFAULT_PATH, run_stages
from testkit.trees import make_root, work_dir

from .cgroup_cpu import CpuGroup, cpu_group

OURS_LABEL = "ignition-py (cold)"
SERVED = "ignition-py (fork server)"
COLD = {"IGNITION_PY_FORK_SERVER": ""}  # empty: the launcher never asks a server
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


class ForkServer:
    """The payload's fork server, ignition-py-warm-up.service's command serving `socket`,
    in a control group of its own: `env` points a launcher at it, `seconds` is the CPU it
    and its stand-ins (until they join their client's group) have used, `stood_in` how
    many commands it has taken."""

    def __init__(self, payload: Path, socket: Path, group: CpuGroup, log: Path) -> None:
        code = warm_up_code(payload, socket)
        # the stages' environment (stagerun's) sets no locale: nor does the server's
        environment = {"PATH": os.environ.get("PATH", DEFAULT_PATH)}
        with log.open("w") as errors:
            self.process = subprocess.Popen(
                [*group.prefix, PYTHON, "-IS", "-c", code], env=environment,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors,
            )  # fmt: skip
        self.group, self.log = group, log
        self.env = {"IGNITION_PY_FORK_SERVER": str(socket)}
        deadline = time.monotonic() + 60
        while not socket.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"files bench: the fork server did not start:\n{log.read_text()}")
            time.sleep(0.05)
        self.load_seconds = group.seconds()

    def stood_in(self, at_least: int = 0) -> int:
        """Commands it took: waits up to 2 s for `at_least` (it logs each one as the
        stand-in starts, so a short command may end first)."""
        deadline = time.monotonic() + 2
        while True:
            count = self.log.read_text().count("stands in for pid")
            if count >= at_least or time.monotonic() > deadline:
                return count
            time.sleep(0.01)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def time_once(
    agent: Path, config: dict[str, Any], server: ForkServer | None = None
) -> tuple[float, float]:
    """(wall, CPU user+system) of the stage processes on a fresh root tree in a new ext4:
    the CPU of their control group, and with `server` what it used meanwhile."""
    with (
        work_dir() as work,
        fresh_ext4(work / "root") as root,
        cpu_group("ignition-py-files-bench") as group,
    ):
        make_root(root)
        served_before = server.group.seconds() if server else 0.0
        stood_in_before = server.stood_in() if server else 0
        start = time.perf_counter()
        stages = ["fetch-offline", "files"]
        done = run_stages(agent, work / "scratch", stages, root=root, user_config=config,
                          prefix=group.prefix, env=server.env if server else COLD)  # fmt: skip
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{agent} failed:\n{done.output[-2000:]}")
        cpu = group.seconds() + (server.group.seconds() - served_before if server else 0.0)
        wanted = stood_in_before + len(stages)
        if server is not None and server.stood_in(wanted) != wanted:
            tail = server.log.read_text()[-2000:]
            raise SystemExit(f"files bench: the fork server did not take every stage:\n{tail}")
        return elapsed, cpu


def time_all(
    agents: dict[str, Path], config: dict[str, Any], runs: int, server: ForkServer
) -> dict[str, tuple[float, float]]:
    """(wall, CPU) medians per agent, interleaved so that all see the same machine load;
    ignition-py twice: each stage loading the agent (cold), and served by `server`."""
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in [*agents, SERVED]}
    for _ in range(runs):
        for name, agent in agents.items():
            samples[name].append(time_once(agent, config))
        samples[SERVED].append(time_once(agents[OURS_LABEL], config, server))
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
        with cpu_group("ignition-py-fork-server") as group:
            server = ForkServer(Path(staging) / "payload", Path(staging) / "fork.sock", group,
                                Path(staging) / "fork-server.log")  # fmt: skip
            try:
                compare(launcher, server)
            finally:
                server.stop()


def compare(ours: Path, server: ForkServer) -> None:
    agents = {OURS_LABEL: ours}
    for label, oracle in (("Go v2.26.0", UPSTREAM), ("Go 2.14", DEBIAN)):
        if oracle.agent.exists():
            agents[label] = oracle.agent
        else:
            print(f"files bench: no {label}: {oracle.missing_reason()}")
    if len(agents) == 1:
        return
    print("fetch-offline + files stage processes: median wall time (noisy on a shared")
    print("machine) and median CPU time (user+system) of their control group; ratios are")
    print("ignition-py / Go. ignition-py runs twice: each stage loading the agent itself")
    print("(cold), and served by a fork server as at boot (its CPU in the window counted;")
    print(f"loading the agent once cost it {server.load_seconds * 1000:.0f} ms of CPU before"
          " the first run)")  # fmt: skip
    for name, config, runs in (
        ("typical node config", typical_config(), 7),
        ("10,000 files + 1,000 units", large_config(), 5),
    ):
        result = time_all(agents, config, runs, server)
        print(f"  {name} (median of {runs}):")
        for mode in (OURS_LABEL, SERVED):
            ours_wall, ours_cpu = result[mode]
            print(f"    {mode:<24} wall {ours_wall * 1000:6.0f} ms   cpu {ours_cpu * 1000:6.0f} ms")
            for label in agents:
                if label == OURS_LABEL:
                    continue
                wall, cpu = result[label]
                print(
                    f"      vs {label:<11} wall {wall * 1000:6.0f} ms = {ours_wall / wall:4.2f}x"
                    f"   cpu {cpu * 1000:6.0f} ms = {ours_cpu / cpu:4.2f}x"
                )


if __name__ == "__main__":
    main()
