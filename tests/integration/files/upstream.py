"""Upstream Ignition v2.26.0 (tests.oracles.UPSTREAM) run on a root as support.run_go
runs Go 2.14: its own fetch-offline then the stage, a no-op `setfiles` first on PATH. Its
files stage asks the running systemd for its version (GetManagerProperty "Version" over
/run/systemd/private) whenever an instantiated unit is enabled or disabled, and fails
without an answer; so it runs behind testkit's fake manager, which answers it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from testkit.fake_systemd import behind_fake_manager
from testkit.stagerun import DEFAULT_PATH, standins
from tests.oracles import UPSTREAM

from .support import Run, make_root, run_agent, run_ours, snapshot


def run_upstream(
    config: dict[str, Any],
    root: Path,
    scratch: Path,
    *,
    scripts: dict[str, str] | None = None,
    **kwargs: Any,
) -> Run:
    """v2.26.0's fetch-offline and stage (`stage=`, default files) on `root`, with the
    stand-ins (setfiles, and any of `scripts`) first on PATH. Only the files stage runs in
    the fake manager's namespace: the mounts the mount stage makes must outlive it."""
    path = f"{standins(scratch / 'bin', scripts or {})}:{DEFAULT_PATH}"
    env = {**(kwargs.pop("env", None) or {}), "PATH": path}
    kwargs["own_setfiles"] = "setfiles" in (scripts or {})
    if kwargs.get("stage", "files") != "files":
        return run_agent(UPSTREAM.agent, config, root, scratch, env=env, **kwargs)
    with behind_fake_manager(scratch) as prefix:
        return run_agent(UPSTREAM.agent, config, root, scratch, env=env, prefix=prefix, **kwargs)


EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: shadow's "last change" day, the same for both runs
RESULT = "etc/.ignition-result.json"


@dataclass
class Pair:
    """ignition-py and v2.26.0, each run on its own copy of the same root."""

    ours: Run
    ours_root: Path
    upstream: Run | None  # None: the oracle is absent (the reason was printed)
    upstream_root: Path

    def assert_same_tree(self, also_bytes: tuple[str, ...] = ()) -> None:
        """Same exit status, same tree (lstat and contents), the result file aside; and the
        files in `also_bytes` shown byte for byte when they differ."""
        if self.upstream is None:
            return
        assert self.ours.returncode == self.upstream.returncode, (
            self.ours.output + "\n----- v2.26.0:\n" + self.upstream.output
        )
        for relative in also_bytes:
            mine, theirs = self.ours_root / relative, self.upstream_root / relative
            assert _bytes(mine) == _bytes(theirs), relative
        assert snapshot(self.ours_root, skip=(RESULT,)) == snapshot(
            self.upstream_root, skip=(RESULT,)
        )


def _bytes(path: Path) -> str | None:
    return path.read_bytes().decode(errors="replace") if path.exists() else None


def run_both(
    work: Path,
    config: dict[str, Any],
    setup: Callable[[Path], None] | None = None,
    scripts: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
) -> Pair:
    """The files stage of both agents on two copies of make_root (then `setup`), with the
    stand-ins `scripts` first on PATH for both and `env` added to their environment."""
    roots = work / "ours", work / "upstream"
    for root in roots:
        make_root(root)
        if setup:
            setup(root)
    common = {"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    path = f"{standins(work / 'ours-bin', scripts or {})}:{DEFAULT_PATH}"
    ours = run_ours(config, roots[0], work / "ours-scratch", env={**common, "PATH": path})
    if not UPSTREAM.present():
        print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
        return Pair(ours, roots[0], None, roots[1])
    upstream = run_upstream(config, roots[1], work / "up-scratch", scripts=scripts, env=common)
    return Pair(ours, roots[0], upstream, roots[1])
