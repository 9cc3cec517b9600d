"""Upstream Ignition v2.26.0 (tests.oracles.UPSTREAM) run on a target root as support.run_go
runs Go 2.14: its own fetch-offline then the stage, a no-op `setfiles` first on PATH. Its
files stage asks the running systemd for its version (GetManagerProperty "Version" over
/run/systemd/private) whenever an instantiated unit is enabled or disabled, and fails
without an answer; so it runs in a mount namespace where /run/systemd is a directory of
the test's, with a fake manager that answers that one property.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.integration.disks.fake_systemd import METHOD_RETURN, FakeSystemd, _message, _Writer
from tests.oracles import UPSTREAM

from .support import Run, make_target, run_agent, run_ours, snapshot

SYSTEMD_VERSION = "257"  # newer than 240: upstream then logs no warning about instances
STANDINS = {"setfiles": "#!/bin/sh\ncat >/dev/null\n"}


class VersionedManager(FakeSystemd):
    """The disks fake's private bus, also answering Properties.Get(..., "Version")."""

    def _call(
        self, conn: Any, lock: Any, serial: int, fields: dict[int, object], body: bytes
    ) -> None:
        if fields.get(3) != "Get":
            super()._call(conn, lock, serial, fields, body)
            return
        value = _Writer()
        value.signature("s")
        value.string(SYSTEMD_VERSION)
        header = bytearray(
            _message(METHOD_RETURN, self._next_serial(), [(5, "u", serial), (8, "g", "v")], [])
        )
        header[4:8] = struct.pack("<I", len(value.data))
        self._send(conn, lock, bytes(header) + bytes(value.data))


def standins(directory: Path, scripts: dict[str, str]) -> str:
    """Executable scripts in `directory`; returns a PATH with them first."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in scripts.items():
        path = directory / name
        path.write_text(text)
        path.chmod(0o755)
    return f"{directory}:/usr/sbin:/usr/bin:/sbin:/bin"


@contextmanager
def upstream_agent(work: Path) -> Iterator[Path]:
    """A script that runs v2.26.0 with its arguments where the fake manager is /run/systemd."""
    bus_dir = work / "systemd"
    manager = VersionedManager(bus_dir / "private")
    manager.start()
    wrapper = work / "ignition-v2.26.0"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"exec unshare --mount sh -c 'mount --bind {bus_dir} /run/systemd && exec \"$@\"' "
        f'sh {UPSTREAM.agent} "$@"\n'
    )
    wrapper.chmod(0o755)
    try:
        yield wrapper
    finally:
        manager.stop()


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
    path = standins(scratch / "bin", {**STANDINS, **(scripts or {})})
    env = {**(kwargs.pop("env", None) or {}), "PATH": path}
    if kwargs.get("stage", "files") != "files":
        return run_agent(UPSTREAM.agent, config, root, scratch, env=env, **kwargs)
    with upstream_agent(scratch) as agent:
        return run_agent(agent, config, root, scratch, env=env, **kwargs)


EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: shadow's "last change" day, the same for both runs
RESULT = "etc/.ignition-result.json"


@dataclass
class Pair:
    """ignition-py and v2.26.0, each run on its own copy of the same target root."""

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
    """The files stage of both agents on two copies of make_target (then `setup`), with the
    stand-ins `scripts` first on PATH for both and `env` added to their environment."""
    roots = work / "ours", work / "upstream"
    for root in roots:
        make_target(root)
        if setup:
            setup(root)
    common = {"SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    path = standins(work / "ours-bin", scripts or {})
    ours = run_ours(config, roots[0], work / "ours-scratch", env={**common, "PATH": path})
    if not UPSTREAM.present():
        print(f"not compared with upstream: {UPSTREAM.missing_reason()}")
        return Pair(ours, roots[0], None, roots[1])
    upstream = run_upstream(config, roots[1], work / "up-scratch", scripts=scripts, env=common)
    return Pair(ours, roots[0], upstream, roots[1])
