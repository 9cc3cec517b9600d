"""The schema validators the dracut module generates at build time (python-payload.py):
they answer like the ones compiled at run time, and checking a config with them imports
neither fastjsonschema's package nor `decimal` (~0.3 s per fetch stage in a TCG guest).

Run with each interpreter that can build the payload: the venv's (PyPI's fastjsonschema)
and Debian's python3 with python3-fastjsonschema, which the Debian package builds with."""

from __future__ import annotations

import dis
import importlib.util
import json
import marshal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAYLOAD = REPO / "dracut" / "30ignition" / "python-payload.py"
DEBIAN_PYTHON = Path("/usr/bin/python3")

_BUILD = """
import importlib.util, sys
from pathlib import Path
sys.dont_write_bytecode = True  # no __pycache__ beside the module in the source tree
spec = importlib.util.spec_from_file_location("payload", sys.argv[1])
payload = importlib.util.module_from_spec(spec)
spec.loader.exec_module(payload)
payload._precompile_schemas(Path(sys.argv[2]))
"""

_CHECK = """
import json, sys
import ignition_py.config
sys.path.insert(0, sys.argv[1])
ignition_py.config.__path__.append(sys.argv[1] + "/ignition_py/config")
from ignition_py.config.schema_check import _fast_validator, check_schema
from ignition_py.config.versions import KNOWN_VERSIONS
results = {}
for version in KNOWN_VERSIONS:
    validate, mismatch = _fast_validator(version)
    good = {"ignition": {"version": str(version)}}
    results[str(version)] = {
        "mismatch": f"{mismatch.__module__}.{mismatch.__name__}",
        "good": [e.message for e in check_schema(good, version)],
        "loaded": sorted(m for m in ("fastjsonschema", "decimal") if m in sys.modules),
    }
# a mismatch goes on to jsonschema (which imports decimal) for the paths
for version in KNOWN_VERSIONS:
    bad = {"ignition": {"version": str(version)}, "storage": {"files": [{"path": 7}]}}
    results[str(version)]["bad"] = [(e.message, list(e.path)) for e in check_schema(bad, version)]
    validate, mismatch = _fast_validator(version)
    try:
        validate(bad)
    except mismatch as err:
        results[str(version)]["raised"] = [err.name, err.rule, err.definition]
print(json.dumps(results))
"""


def _interpreters() -> list[str]:
    found = [sys.executable]
    probe = subprocess.run([str(DEBIAN_PYTHON), "-c", "import fastjsonschema"],
                           capture_output=True, check=False)  # fmt: skip
    if DEBIAN_PYTHON.exists() and probe.returncode == 0:
        found.append(str(DEBIAN_PYTHON))
    else:
        print("Debian's python3 has no fastjsonschema: checked with the venv's alone")
    return found


@pytest.mark.parametrize("python", _interpreters())
def test_prebuilt_validators_answer_without_fastjsonschemas_package(
    python: str, tmp_path: Path
) -> None:
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    subprocess.run([python, "-c", _BUILD, str(PAYLOAD), str(tmp_path)], check=True, env=env)
    site = tmp_path / "usr" / "lib" / "ignition-py"
    generated = sorted((site / "ignition_py" / "config" / "fastschema").glob("v*.pyc"))
    assert len(generated) >= 8, generated
    for module in generated:
        code = marshal.loads(module.read_bytes()[16:])
        imported = [i.argval for i in dis.get_instructions(code) if i.opname == "IMPORT_NAME"]
        assert imported and not [m for m in imported if "fastjsonschema" in m], (module, imported)

    done = subprocess.run([python, "-c", _CHECK, str(site)], capture_output=True, text=True,
                          env=env, check=True)  # fmt: skip
    results = json.loads(done.stdout)
    assert set(results) >= {"3.0.0", "3.6.0", "3.7.0-experimental"}
    for version, result in results.items():
        assert result["mismatch"] == "ignition_py.config.schema_mismatch.JsonSchemaValueException"
        assert result["good"] == [], version
        assert result["loaded"] == [], (version, result["loaded"])
        assert result["bad"] and result["bad"][0][1] == ["storage", "files", 0, "path"], result
        # the schema fragments are left out of the generated code (nothing reads them)
        assert result["raised"] == ["data.storage.files[0].path", "type", None], result


_MODULE = '''"""module doc"""
import dataclasses


def checked(x):
    """function doc"""
    assert x, "asserts stay"
    return x


@dataclasses.dataclass
class Record:
    """class doc"""

    x: int


class Plain:
    """plain doc"""
'''

_IMPORT = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
try:
    m.checked(0)
    kept = False
except AssertionError as err:
    kept = str(err)
print([m.__doc__, m.checked.__doc__, m.Record.__doc__, m.Plain.__doc__, kept])
"""


@pytest.mark.parametrize("keep_decorated", [False, True])
def test_the_byte_code_drops_docstrings_and_keeps_asserts(
    keep_decorated: bool, tmp_path: Path
) -> None:
    """The staged byte code: no docstrings (as -OO), asserts kept (unlike -OO); with
    keep_decorated (ignition-py's own) a decorated class keeps its docstring."""
    spec = importlib.util.spec_from_file_location("payload", PAYLOAD)
    assert spec is not None and spec.loader is not None
    payload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(payload)
    source = tmp_path / "m.py"
    source.write_text(_MODULE)
    pyc = tmp_path / "m.pyc"
    payload._write_pyc(source, pyc, "/usr/lib/m.py", keep_decorated)
    source.unlink()
    done = subprocess.run([sys.executable, "-c", _IMPORT, str(pyc)], capture_output=True,
                          text=True, check=True)  # fmt: skip
    record = "class doc" if keep_decorated else "Record(x: int)"
    assert done.stdout.strip() == str([None, None, record, None, "asserts stay"])


def test_an_interpreter_without_the_agents_packages_builds_nothing(tmp_path: Path) -> None:
    """A build with a python3 that cannot import requests, yaml, jsonschema... fails at
    once, naming the packages to install, instead of staging a payload that breaks at boot
    on the first https or Butane config."""
    subprocess.run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(tmp_path / "bare")],
                   check=True)  # fmt: skip
    out = tmp_path / "out"
    done = subprocess.run(
        [str(tmp_path / "bare/bin/python"), str(PAYLOAD), str(out)],
        capture_output=True, text=True, env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "python3-requests" in done.stderr and "python3-yaml" in done.stderr, done.stderr
    assert not out.exists()
