"""The agent as the initramfs ships it, for benchmarks: dracut/30ignition/python-payload.py
staged into a directory (precompiled schema validators, unchecked-hash .pyc) and a
launcher like the module's `ignition` (`python3 -IS`, sys.path set to the staged trees
only)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .agents import REPO

PAYLOAD = REPO / "dracut" / "30ignition" / "python-payload.py"
PYTHON = "/usr/bin/python3"
# dracut/30ignition/ignition on the staged payload's path: a fork server named by
# IGNITION_PY_FORK_SERVER (none when it is empty) runs the command, or it runs here.
_LAUNCHER = """#!{python} -IS
import sys
sys.path[:] = {path!r}
from ignition_py.fork_client import delegate
status = delegate(sys.argv)
if status is None:
    from ignition_py.agent_cli import main
    status = main()
sys.exit(status)
"""


def payload_path(root: Path) -> list[str]:
    """sys.path for code in the payload staged at `root`: its site directory and its
    standard library (usr/lib/python3.N), nothing of the host's."""
    (stdlib,) = (root / "usr" / "lib").glob("python3.*")
    return [str(root / "usr" / "lib" / "ignition-py"), str(stdlib), str(stdlib / "lib-dynload")]


def stage_payload(directory: Path) -> Path:
    """Stage the payload under ``directory``/payload with the host's /usr/bin/python3 (as
    module-setup.sh does) and write ``directory``/ignition, the launcher that runs it;
    returns the launcher. Raises subprocess.CalledProcessError when staging fails."""
    root = directory / "payload"
    subprocess.run([PYTHON, "-X", "no_debug_ranges", str(PAYLOAD), str(root)], check=True,
                   env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})  # fmt: skip
    launcher = directory / "ignition"
    launcher.write_text(_LAUNCHER.format(python=PYTHON, path=payload_path(root)))
    launcher.chmod(0o755)
    return launcher
