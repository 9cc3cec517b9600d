"""The agent as the initramfs ships it, for benchmarks: dracut/30ignition/python-payload.py
staged into a directory (precompiled schema validators, unchecked-hash .pyc) and the
package's launcher for it (`python3 -IS`, sys.path set to the staged trees only)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .agents import REPO
from .launcher import build_launcher

PAYLOAD = REPO / "dracut" / "30ignition" / "python-payload.py"
WARM_UP_UNIT = REPO / "dracut" / "30ignition" / "python" / "ignition-py-warm-up.service"
PYTHON = "/usr/bin/python3"
_SITE = "sys.path.insert(0, '/usr/lib/ignition-py')"
_MAIN = "from ignition_py.fork_server import main; main()"


def warm_up_command() -> list[str]:
    """ignition-py-warm-up.service's ExecStart, split as systemd splits it."""
    import shlex

    (line,) = [line for line in WARM_UP_UNIT.read_text().splitlines()
               if line.startswith("ExecStart=")]  # fmt: skip
    return shlex.split(line.removeprefix("ExecStart=").lstrip("-"))


def warm_up_code(root: Path, socket: Path, serve: str | None = None) -> str:
    """The warm-up unit's `python3 -IS -c` code for the payload staged at `root`, serving
    `socket`: sys.path the payload's alone, and `main(socket)` in place of `main()`; or
    `serve` (Python code) in place of the unit's last statement, the import and call of
    main. Raises ValueError when the unit's code is not of the shape this knows."""
    code = warm_up_command()[-1]
    if _SITE not in code or not code.endswith(_MAIN):
        raise ValueError(f"{WARM_UP_UNIT.name}: unexpected command {code!r}")
    code = code.replace(_SITE, f"sys.path[:] = {payload_path(root)!r}").removesuffix(_MAIN)
    if serve is None:
        serve = f"from ignition_py.fork_server import main; main({str(socket)!r})"
    return code + serve


def payload_path(root: Path) -> list[str]:
    """sys.path for code in the payload staged at `root`: its site directory and its
    standard library (usr/lib/python3.N), nothing of the host's."""
    (stdlib,) = (root / "usr" / "lib").glob("python3.*")
    return [str(root / "usr" / "lib" / "ignition-py"), str(stdlib), str(stdlib / "lib-dynload")]


def stage_payload_tree(root: Path) -> Path:
    """Stage the payload at ``root`` with the host's /usr/bin/python3, as module-setup.sh
    does; returns ``root``. Raises subprocess.CalledProcessError when staging fails."""
    subprocess.run([PYTHON, "-X", "no_debug_ranges", str(PAYLOAD), str(root)], check=True,
                   env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})  # fmt: skip
    return root


def stage_payload(directory: Path) -> Path:
    """Stage the payload under ``directory``/payload (stage_payload_tree) and compile
    ``directory``/ignition, the package's launcher, to run it (testkit.launcher: a fork
    server named by IGNITION_PY_FORK_SERVER takes the command, or it runs the payload's
    agent); returns the launcher. Raises subprocess.CalledProcessError when staging or
    compiling fails."""
    root = stage_payload_tree(directory / "payload")
    return build_launcher(directory / "ignition", PYTHON, payload_path(root))
