"""Tang advertisements fetched before `clevis luks bind`, as v2.26.0 does to wait for the
network with Ignition's retries (clevis fetches once and gives up): real HTTP to a local
server through the config's fetcher. The bind itself needs device-mapper: the guest tier."""

from __future__ import annotations

import pytest

from ignition_py.config.model import Ignition
from ignition_py.disks.tang_adv import fetch_advertisements
from ignition_py.errors import IgnitionError
from ignition_py.log import Logger

from ..fetch.servers import Answer, ScriptedServer

ADV = b'{"payload":"x","protected":"y","signature":"z"}'


def test_each_advertisement_is_fetched_with_ignitions_retries(server: ScriptedServer) -> None:
    server.route("/adv", Answer(status=503), Answer(body=ADV))
    server.route("/tang/adv", Answer(body=ADV))
    urls = [server.url("/adv"), server.url("/tang/adv")]
    fetch_advertisements(urls, Ignition(version="3.4.0"), "file", Logger("test"))
    assert len(server.requests_to("/adv")) == 2  # the 503 was retried
    assert len(server.requests_to("/tang/adv")) == 1


def test_an_advertisement_that_cannot_be_had_fails_with_upstreams_words(
    server: ScriptedServer,
) -> None:
    missing = r"^fetching tang advertisement: resource not found: http"
    with pytest.raises(IgnitionError, match=missing):
        fetch_advertisements(
            [server.url("/gone/adv")], Ignition(version="3.4.0"), "file", Logger("test")
        )
