from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .servers import CertAuthority, ScriptedServer, make_ca


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> CertAuthority:
    return make_ca(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def tls_server(test_ca: CertAuthority, tmp_path: Path) -> Iterator[ScriptedServer]:
    context = test_ca.server_context(tmp_path, ["localhost"], ("127.0.0.1",))
    running = ScriptedServer(tls=context)
    yield running
    running.close()
