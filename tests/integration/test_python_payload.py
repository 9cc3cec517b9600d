"""The schema validators the dracut module generates at build time (python-payload.py):
they answer like the ones compiled at run time, and checking a config with them imports
neither fastjsonschema's package nor `decimal` (~0.3 s per fetch stage in a TCG guest).

Run with each interpreter that can build the payload: the venv's (PyPI's fastjsonschema)
and Debian's python3 with python3-fastjsonschema, which the Debian package builds with."""

from __future__ import annotations

import json
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
    generated = sorted((site / "ignition_py" / "config" / "fastschema").glob("*.py"))
    assert len(generated) > 8, generated
    for module in generated:
        assert "fastjsonschema" not in module.read_text().split("\n\n")[0], module

    done = subprocess.run([python, "-c", _CHECK, str(site)], capture_output=True, text=True,
                          env=env, check=True)  # fmt: skip
    results = json.loads(done.stdout)
    assert set(results) >= {"3.0.0", "3.6.0", "3.7.0-experimental"}
    for version, result in results.items():
        assert result["mismatch"] == "ignition_py.config.schema_mismatch.JsonSchemaValueException"
        assert result["good"] == [], version
        assert result["loaded"] == [], (version, result["loaded"])
        assert result["bad"] and result["bad"][0][1] == ["storage", "files", 0, "path"], result
