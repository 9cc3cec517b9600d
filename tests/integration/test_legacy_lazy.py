"""The legacy (spec 1/2.x) package is loaded only for such configs: a 3.x config keeps
today's import cost at boot."""

from __future__ import annotations

import json
import subprocess
import sys


def _loads_legacy(version: str) -> bool:
    code = (
        "import sys; from ignition_py.config.parse import parse_config; "
        f'assert parse_config(\'{{"ignition":{{"version":"{version}"}}}}\').ok; '
        "print('ignition_py.config.legacy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_a_3_x_config_does_not_load_the_legacy_package() -> None:
    assert not _loads_legacy("3.4.0")


def test_a_2_x_config_does() -> None:
    assert _loads_legacy("2.2.0")


def test_a_2_x_config_loads_no_typing() -> None:
    # Each boot stage is its own process and `typing` / `dataclasses` cost ~45 ms in a TCG
    # guest. What the legacy reading loaded is taken as it returns: the 3.x schema check
    # after it compiles its validator in the venv (fastjsonschema imports typing), which the
    # initramfs has precompiled.
    config = json.dumps(
        {
            "ignition": {"version": "2.3.0"},
            "storage": {"files": [{"filesystem": "root", "path": "/etc/a", "mode": 420}]},
            "systemd": {"units": [{"name": "a.service", "dropins": [{"name": "b.conf"}]}]},
            "passwd": {"users": [{"name": "core", "groups": ["wheel"]}]},
        }
    )
    code = (
        "import sys\n"
        "from ignition_py.config.parse import parse_config\n"
        "import ignition_py.config.legacy.parse as legacy\n"
        "seen = []\n"
        "real = legacy.parse_legacy\n"
        "def spy(*args):\n"
        "    result = real(*args)\n"
        "    seen.append(sorted({'typing', 'dataclasses'} & set(sys.modules)))\n"
        "    return result\n"
        "legacy.parse_legacy = spy\n"
        f"parsed = parse_config({config!r})\n"
        "assert parsed.ok, parsed.report\n"
        "print(seen)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[[]]", out.stdout + out.stderr
