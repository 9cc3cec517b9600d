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
_LAUNCHER = """#!{python} -IS
import sys
root = {root!r}
sys.path[:] = [root + "/usr/lib/ignition-py", root + "/usr/lib/python{major}.{minor}",
               root + "/usr/lib/python{major}.{minor}/lib-dynload"]
from ignition_py.agent_cli import main
sys.exit(main())
"""


def stage_payload(directory: Path) -> Path:
    """Stage the payload under ``directory``/payload with the host's /usr/bin/python3 (as
    module-setup.sh does) and write ``directory``/ignition, the launcher that runs it;
    returns the launcher. Raises subprocess.CalledProcessError when staging fails."""
    root = directory / "payload"
    subprocess.run([PYTHON, "-X", "no_debug_ranges", str(PAYLOAD), str(root)], check=True,
                   env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})  # fmt: skip
    version = subprocess.run(
        [PYTHON, "-c", "import sys; print(*sys.version_info[:2])"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    launcher = directory / "ignition"
    launcher.write_text(
        _LAUNCHER.format(python=PYTHON, root=str(root), major=version[0], minor=version[1])
    )
    launcher.chmod(0o755)
    return launcher
