"""One way to run stages for tests and benchmarks: ignition-py's `ignition` command or an
upstream Go agent, on the same inputs, isolated in a work directory of the caller's.

The work directory holds what the agent reads and writes: ``config.ign`` (the user config
the file platform reads, IGNITION_CONFIG_FILE), ``ignition.json`` (the config cache),
``neednet``, ``state``, ``system/`` (IGNITION_SYSTEM_CONFIG_DIR, empty unless the caller
fills it), ``cmdline`` (IGNITION_KERNEL_CMDLINE_PATH, when given) and, for Go agents,
``bin/setfiles``: a no-op first on PATH, since upstream relabels after writing.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
from collections.abc import Mapping, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ignition_py.config.cache import write_cached
from ignition_py.config.parse import parse_config

from .agents import OURS
from .trees import Node, snapshot

NOOP_SETFILES = "#!/bin/sh\ncat >/dev/null\n"
DEFAULT_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Outcome:
    """How a run ended: exit status of the last stage run, all stages' stdout + stderr, and
    where to read what it left (``work``: cache, neednet, state; ``root``: the root the
    stages wrote into)."""

    returncode: int
    output: str
    work: Path | None = None
    root: Path | None = None

    @property
    def cache(self) -> Path:
        assert self.work is not None, "no work directory recorded"
        return self.work / "ignition.json"

    @property
    def neednet(self) -> Path:
        assert self.work is not None, "no work directory recorded"
        return self.work / "neednet"

    @property
    def cached(self) -> dict[str, Any] | None:
        """The config cache as JSON, or None when the stages wrote none."""
        return json.loads(self.cache.read_text()) if self.cache.exists() else None

    def tree(self, skip: tuple[str, ...] = ()) -> dict[str, Node]:
        """The root read back (trees.snapshot)."""
        assert self.root is not None, "the stages ran without -root"
        return snapshot(self.root, skip)


def write_cache(agent: Path | str, cache: Path, config: dict[str, Any] | bytes) -> None:
    """Write what a fetch stage would have cached for ``config``: for ours, the parsed config
    in its own cache form (the config must be valid); for Go, the JSON as given (it
    translates on reading). Bytes are written as they are, for either."""
    if isinstance(config, bytes) or Path(agent) != OURS:
        cache.write_bytes(config if isinstance(config, bytes) else json.dumps(config).encode())
        return
    parsed = parse_config(json.dumps(config))
    assert parsed.config is not None and not parsed.report.has_errors, str(parsed.report)
    write_cached(cache, parsed.config)


def run_stages(
    agent: Path | str,
    work: Path,
    stages: Sequence[str],
    *,
    platform: str = "file",
    root: Path | None = None,
    user_config: dict[str, Any] | bytes | None = None,
    cached_config: dict[str, Any] | bytes | None = None,
    state: dict[str, Any] | None = None,
    cmdline: str | None = None,
    env: Mapping[str, str] | None = None,
    prefix: Sequence[str] = (),
    fetch_timeout: str | None = None,
    fetch_when_neednet: bool = True,
    timeout: float = 120,
    in_process: bool = False,
    own_setfiles: bool = False,
) -> Outcome:
    """Run ``stages`` in order (stopping at the first failure) as
    ``[*prefix] AGENT -platform P -stage S [-root R] -config-cache ... -log-to-stdout``.

    ``user_config`` (JSON, or bytes as they are) is written as the file platform's config
    and ``cached_config`` into the cache before the first stage (see write_cache);
    ``state`` seeds the state file.
    ``env`` is added to a minimal environment (PATH, the system config dir, the config
    file). When a fetch-offline stage leaves no cache but a neednet flag, a fetch stage
    runs next, as at boot. Each stage times out after ``timeout`` seconds (raises
    subprocess.TimeoutExpired). ``in_process`` runs our stages in this process
    (agent_cli.main, with the same environment and arguments; no prefix, no timeout), for
    profiling and for tests that patch the code. A Go agent gets a no-op `setfiles` first
    on PATH unless ``own_setfiles`` (the caller's PATH brings the one it wants).
    """
    assert not in_process or (Path(agent) == OURS and not prefix), "in-process: ours alone"
    work.mkdir(parents=True, exist_ok=True)
    (work / "system").mkdir(exist_ok=True)
    outcome = Outcome(0, "", work, root)
    if user_config is not None:
        raw = user_config if isinstance(user_config, bytes) else json.dumps(user_config).encode()
        (work / "config.ign").write_bytes(raw)
    if cached_config is not None:
        write_cache(agent, outcome.cache, cached_config)
    if state is not None:
        (work / "state").write_text(json.dumps(state))
    environment = {
        "PATH": os.environ.get("PATH", DEFAULT_PATH),
        "IGNITION_SYSTEM_CONFIG_DIR": str(work / "system"),
        "IGNITION_CONFIG_FILE": str(work / "config.ign"),
    }
    if cmdline is not None:
        (work / "cmdline").write_text(cmdline + "\n")
        environment["IGNITION_KERNEL_CMDLINE_PATH"] = str(work / "cmdline")
    environment.update(env or {})
    if Path(agent) != OURS and not own_setfiles:
        environment["PATH"] = f"{noop_setfiles(work / 'bin')}:{environment['PATH']}"
    common = ["-platform", platform, "-log-to-stdout", "-config-cache", str(outcome.cache)]
    common += ["-neednet", str(outcome.neednet), "-state-file", str(work / "state")]
    common += ["-root", str(root)] if root is not None else []
    common += ["-fetch-timeout", fetch_timeout] if fetch_timeout else []
    output, pending = "", list(stages)
    while pending:
        stage = pending.pop(0)
        arguments = [*common, "-stage", stage]
        if in_process:
            returncode, said = run_in_process(arguments, environment, work)
        else:
            argv = [*prefix, str(agent), *arguments]
            done = subprocess.run(
                argv, capture_output=True, text=True, env=environment, timeout=timeout, cwd=work
            )
            returncode, said = done.returncode, done.stdout + done.stderr
        output += said
        if returncode != 0:
            return Outcome(returncode, output, work, root)
        needs_fetch = not outcome.cache.exists() and outcome.neednet.exists()
        if stage == "fetch-offline" and fetch_when_neednet and needs_fetch:
            pending.insert(0, "fetch")
    return Outcome(0, output, work, root)


def run_in_process(arguments: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """agent_cli.main(arguments) with exactly ``env`` as the environment and ``cwd`` as the
    working directory, both restored after: (exit status, what it printed)."""
    from ignition_py.agent_cli import main

    saved_env, saved_cwd, said = dict(os.environ), Path.cwd(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    try:
        with redirect_stdout(said), redirect_stderr(said):
            try:
                returncode = main(arguments)
            except SystemExit as stop:
                returncode = stop.code if isinstance(stop.code, int) else 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
    return returncode, said.getvalue()


def noop_setfiles(directory: Path) -> Path:
    """``directory`` holding a `setfiles` that reads its input and does nothing."""
    return standins(directory, {"setfiles": NOOP_SETFILES})


def standins(directory: Path, scripts: Mapping[str, str]) -> Path:
    """``directory`` holding each of ``scripts`` (name -> text) as an executable, to put
    first on an agent's PATH in place of a host tool."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in scripts.items():
        path = directory / name
        path.write_text(text)
        path.chmod(0o755)
    return directory
