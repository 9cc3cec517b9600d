"""A negative httpResponseHeaders is no limit in Go's transport (v2.26.0 fetches with
it); it must not reach the HTTP client as a negative timeout (a traceback)."""

from __future__ import annotations

import io

from ignition_py.config.model import Ignition, Timeouts
from ignition_py.log import Logger
from ignition_py.resources.fetcher import Fetcher


def test_negative_response_headers_timeout_is_no_limit() -> None:
    fetcher = Fetcher(Logger("fetch", stream=io.StringIO()))
    fetcher.configure(Ignition(version="3.4.0", timeouts=Timeouts(http_response_headers=-1)))
    assert not fetcher.http.settings.response_headers_timeout
