"""The observable contract of a dracut `ignition` module, reduced to comparable facts.

For each unit and target: its (section, key, value) directives; for the udev rule and the
pwquality drop-in: their rule lines and settings; for the generator: the units it queues and
the environment file it writes under each kind of boot; for module-setup.sh: what
depends() names and every install call install() and installkernel() make, logged by
running them with dracut's functions replaced by recorders.

`python -m tests.dracut_contract MODULE_DIR OUT.json` writes the facts of a module directory:
run on upstream v2.26.0's dracut/30ignition (checked out of the coreos/ignition mirror), it
makes tests/fixtures/upstream-dracut-v2.26.0.json, so that the comparison needs no mirror.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

UNIT_SUFFIXES = (".service", ".target")
# (kernel command line, is-live-image answer or None when the hook is absent)
GENERATOR_CASES: list[tuple[str, bool | None]] = [
    ("root=/dev/vda ignition.firstboot ignition.platform.id=qemu", None),
    ("ignition.firstboot=1 ignition.platform.id=aws", None),
    ("ignition.firstboot=1 ignition.platform.id=metal", True),
    ("ignition.firstboot=1 ignition.platform.id=metal", False),
    ("ignition.firstboot=0 ignition.platform.id=aws", None),
    ("ignition.platform.id=azure", None),
    ("ignition.platform.id=azure", True),
    ("ignition.firstboot=1 ignition.platform.id=a ignition.platform.id=b", None),
    ("quiet", None),
]


def unit_directives(text: str) -> list[list[str]]:
    """[section, key, value] for every directive, in file order; comments dropped."""
    section = ""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        found.append([section, key.strip(), value.strip()])
    return found


def rule_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def conf_settings(text: str) -> list[list[str]]:
    settings = []
    for line in rule_lines(text):
        key, _, value = line.partition("=")
        settings.append([key.strip(), value.strip()])
    return settings


_GENERATOR_RUN = r"""
set -e
mount --bind "$WORK/cmdline" /proc/cmdline
mount -t tmpfs tmpfs /run
mount --bind /dev/null /dev/kmsg
PATH="$WORK/bin:$PATH" "$GENERATOR" "$WORK/units" >/dev/null 2>&1
cat /run/ignition.env
"""


def generator_behaviour(generator: Path) -> list[dict[str, Any]]:
    """What the generator queues and writes for each of GENERATOR_CASES (needs root)."""
    results = []
    for cmdline, live in GENERATOR_CASES:
        with tempfile.TemporaryDirectory() as where:
            work = Path(where)
            (work / "cmdline").write_text(cmdline + "\n")
            (work / "bin").mkdir()
            if live is not None:
                hook = work / "bin" / "is-live-image"
                hook.write_text(f"#!/bin/sh\nexit {0 if live else 1}\n")
                hook.chmod(0o755)
            env = {**os.environ, "WORK": str(work), "GENERATOR": str(generator)}
            done = subprocess.run(
                ["unshare", "--mount", "--propagation", "private", "bash", "-c", _GENERATOR_RUN],
                capture_output=True, text=True, env=env, check=True,
            )  # fmt: skip
            units = work / "units"
            links = sorted(
                f"{link.relative_to(units)} -> {os.readlink(link)}"
                for link in units.rglob("*")
                if link.is_symlink()
            )
            results.append(
                {"cmdline": cmdline, "live": live, "requires": links, "env": done.stdout}
            )
    return results


_SETUP_RUN = r"""
log() { printf '%s\n' "$*"; }
inst_multiple() { log inst_multiple "$@"; }
inst_simple() { log inst_simple "${1#"$moddir"/}" "$2"; }
inst_script() { log inst_script "${1#"$moddir"/}" "$2"; }
inst_binary() { log inst_binary "$@"; }
inst_rules() { log inst_rules "$@"; }
inst_library() { :; }
instmods() { log instmods "$@"; }
ln_r() { log ln_r "$@"; }
dfatal() { log dfatal "$@"; }
recorded_systemctl() { shift 2; log systemctl "$@"; }
SYSTEMCTL=recorded_systemctl
systemdsystemunitdir=/usr/lib/systemd/system
systemdutildir=/usr/lib/systemd
initdir=/nonexistent
DRACUT_ARCH=x86_64
source "$moddir/module-setup.sh"
# our Python payload: one recorded step, not a run of the payload builder
install_python_agent() { log install_python_agent; }
echo "depends $(depends)"
install
installkernel
"""


def module_setup_calls(module: Path) -> list[str]:
    """depends() and each install call of module-setup.sh, in order (runs no real install)."""
    done = subprocess.run(
        ["bash", "-c", _SETUP_RUN], capture_output=True, text=True, check=True,
        env={**os.environ, "moddir": str(module)},
    )  # fmt: skip
    return [" ".join(line.split()) for line in done.stdout.splitlines() if line.strip()]


def file_facts(module: Path, *extra_units: Path) -> dict[str, Any]:
    """File name -> parsed content, for the units, targets, rules and drop-ins of `module`
    and the `extra_units` shipped outside it."""
    files: dict[str, Any] = {}
    for path in [*sorted(module.iterdir()), *extra_units]:
        if path.suffix in UNIT_SUFFIXES:
            files[path.name] = unit_directives(path.read_text())
        elif path.suffix == ".rules":
            files[path.name] = rule_lines(path.read_text())
        elif path.suffix == ".conf":
            files[path.name] = conf_settings(path.read_text())
    return files


def module_facts(module: Path, *extra_units: Path) -> dict[str, Any]:
    """Every comparable fact of the module directory `module` (see the module docstring)."""
    return {
        "files": file_facts(module, *extra_units),
        "generator": generator_behaviour(module / "ignition-generator"),
        "module-setup": module_setup_calls(module),
    }


def main(argv: list[str]) -> int:
    module, out = Path(argv[0]), Path(argv[1])
    # further unit files (e.g. systemd/ignition-delete-config.service)
    facts = module_facts(module, *map(Path, argv[2:]))
    out.write_text(json.dumps(facts, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
