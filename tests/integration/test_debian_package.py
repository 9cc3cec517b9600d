"""The Debian package: `dpkg-buildpackage -b` (pybuild with Debian's own setuptools and
python3, no build isolation) builds it, and it holds what a distribution needs in place of
Debian's `ignition`: the agent in the system Python, the commands, the dracut module
`ignition` in modules.d/30ignition, and ignition-delete-config.service."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from harness.package import SYSTEM_PATH, build_deb

REPO = Path(__file__).resolve().parents[2]
BUILD_DEPENDS = ("dpkg-buildpackage", "dh", "dh_python3")


@pytest.fixture(scope="module")
def deb() -> Path:
    """The package of this tree, built as the harness builds it for every boot (cached by
    the tree's hash, so a boot of the same tree and this test share one build)."""
    missing = [tool for tool in BUILD_DEPENDS if shutil.which(tool, path=SYSTEM_PATH) is None]
    if missing or not Path("/usr/share/perl5/Debian/Debhelper/Buildsystem/pybuild.pm").exists():
        reason = f"Debian packaging tools missing ({missing or 'dh-python'}): tests/run installs"
        print(reason)
        pytest.skip(reason)
    return build_deb()


def _field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_it_stands_in_for_debians_ignition(deb: Path) -> None:
    for relation in ("Provides", "Conflicts", "Replaces"):
        assert _field(deb, relation) == "ignition"
    depends = {d.strip().split(" ")[0] for d in _field(deb, "Depends").split(",")}
    assert {"python3-requests", "python3-jsonschema", "python3-fastjsonschema"} <= depends
    assert "python3-yaml" in depends  # the Butane front end reads YAML


def test_it_installs_agent_commands_module_and_units(deb: Path) -> None:
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    paths = {line.split()[5].removeprefix(".") for line in listing.splitlines()}
    module = "/usr/lib/dracut/modules.d/30ignition/"
    wanted = {
        *(f"/usr/bin/{c}" for c in
          ("ignition", "ignition-validate", "ignition-apply", "ignition-rmcfg", "ignition-py")),
        "/usr/libexec/ignition-rmcfg",
        "/usr/lib/python3/dist-packages/ignition_py/agent_cli.py",
        "/usr/lib/python3/dist-packages/ignition_py/stages/__init__.py",
        "/usr/lib/python3/dist-packages/ignition_py/config/schemas/v3_4.json",
        "/usr/lib/systemd/system/ignition-delete-config.service",
        *(module + str(p.relative_to(REPO / "dracut/30ignition")) + ("/" if p.is_dir() else "")
          for p in (REPO / "dracut/30ignition").rglob("*") if "__pycache__" not in p.parts),
    }  # fmt: skip
    assert wanted - paths == set()
    for script in ("module-setup.sh", "flatcar/ignition-py-oem-setup"):
        lines = [line for line in listing.splitlines() if line.endswith(module + script)]
        assert lines and lines[0].startswith("-rwx"), script


_VALIDATE = """
import sys
from ignition_py.config.schema_check import _fast_validator, check_schema
from ignition_py.config.versions import KNOWN_VERSIONS
for version in KNOWN_VERSIONS:
    validate, mismatch = _fast_validator(version)
    assert mismatch.__module__ == "ignition_py.config.schema_mismatch", mismatch
    assert check_schema({"ignition": {"version": str(version)}}, version) == []
print(sorted(m for m in ("fastjsonschema", "decimal") if m in sys.modules))
"""


def test_it_ships_the_schema_validators_generated(deb: Path, tmp_path: Path) -> None:
    """The build generates the validators as the initramfs's (python-payload.py
    --validators): the installed agent imports them, not fastjsonschema's compiler."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    site = tmp_path / "usr/lib/python3/dist-packages"
    generated = sorted(p.name for p in (site / "ignition_py/config/fastschema").glob("v3_*.py"))
    assert {"v3_0.py", "v3_6.py", "v3_7_experimental.py"} <= set(generated), generated
    done = subprocess.run(["/usr/bin/python3", "-c", _VALIDATE], capture_output=True, text=True,
                          env={"PYTHONPATH": str(site)}, cwd=tmp_path, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


def test_its_launcher_is_the_compiled_client(deb: Path, tmp_path: Path) -> None:
    """$moddir/ignition (the initramfs's /usr/bin/ignition) is launcher/ignition.c built
    for the package's architecture, not the source tree's script: it starts without an
    interpreter when the fork server takes the command."""
    architecture = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                  text=True, check=True).stdout.strip()  # fmt: skip
    assert _field(deb, "Architecture") == architecture
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    launcher = tmp_path / "usr/lib/dracut/modules.d" / "30ignition" / "ignition"  # $moddir
    assert launcher.read_bytes()[:4] == b"\x7fELF"
    assert launcher.stat().st_mode & 0o111
    assert b"IGNITION_PY_FORK_SERVER" in launcher.read_bytes()  # the server's variable
    assert b"from ignition_py." in launcher.read_bytes()  # module-setup.sh looks for it
