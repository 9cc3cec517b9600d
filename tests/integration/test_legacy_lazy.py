"""The legacy (spec 1/2.x) package is loaded only for such configs: a 3.x config keeps
today's import cost at boot."""

from __future__ import annotations

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
