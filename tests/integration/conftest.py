"""Fixtures every integration package uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fetch.servers import ScriptedServer


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    """A real HTTP server on 127.0.0.1 that answers as each test scripts it."""
    running = ScriptedServer()
    yield running
    running.close()
