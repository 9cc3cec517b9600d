"""HTTP(S) fetching against real servers on 127.0.0.1: upstream's headers, the retry
policy and its timing, faults survived or reported, CAs, proxies, redirects."""

from __future__ import annotations

import gzip
import hashlib
import itertools
import socket
import threading
import time
from pathlib import Path

import pytest

from ignition_py.config.model import (
    TLS,
    HTTPHeader,
    Ignition,
    Proxy,
    Resource,
    Security,
    Timeouts,
    Verification,
)
from ignition_py.log import Logger
from ignition_py.resources.dataurl import encode_data_url
from ignition_py.resources.errors import (
    FetchError,
    FetchTimeoutError,
    HashMismatchError,
    NotFoundError,
)
from ignition_py.resources.fetcher import Fetcher
from ignition_py.resources.stream import read_all

from .servers import Answer, CertAuthority, ScriptedServer

LOG = Logger("test", to_stdout=True)


def fetcher(**timeouts: int) -> Fetcher:
    instance = Fetcher(LOG)
    instance.configure(Ignition(version="3.6.0", timeouts=Timeouts(**timeouts)))
    return instance


def test_request_headers_are_upstreams(server: ScriptedServer) -> None:
    server.route("/c.ign", Answer(200, b"{}"))
    assert fetcher().fetch_bytes(server.url("/c.ign")) == b"{}"
    headers = server.seen[0].headers
    assert headers["Accept"] == "application/vnd.coreos.ignition+json;version=3.6.0, */*;q=0.1"
    assert headers["Accept-Encoding"] == "identity"
    assert headers["User-Agent"].startswith("Ignition/")


def test_config_headers_override_and_add(server: ScriptedServer) -> None:
    server.route("/c", Answer(200, b"ok"))
    resource = Resource(
        source=server.url("/c"),
        http_headers=(HTTPHeader("accept", "text/plain"), HTTPHeader("X-Token", "s3cret")),
    )
    assert read_all(fetcher().open_resource(resource)) == b"ok"
    headers = {k.lower(): v for k, v in server.seen[0].headers.items()}
    assert headers["accept"] == "text/plain" and headers["x-token"] == "s3cret"


def test_500s_then_success_with_upstreams_backoff(server: ScriptedServer) -> None:
    server.route("/c", Answer(500), Answer(503), Answer(502), Answer(200, b"done"))
    assert fetcher().fetch_bytes(server.url("/c")) == b"done"
    times = [seen.at for seen in server.seen]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 3
    for gap, expected in zip(gaps, (0.2, 0.4, 0.8), strict=True):
        assert expected - 0.02 <= gap <= expected + 0.15, gaps


def test_500s_until_the_total_timeout_fail_clearly(server: ScriptedServer) -> None:
    server.route("/c", Answer(500))
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError, match="unable to fetch resource in time"):
        fetcher(http_total=2).fetch_bytes(server.url("/c"))
    assert 1.9 <= time.monotonic() - started < 3.0
    assert len(server.seen) in (4, 5)  # at 0, 0.2, 0.6, 1.4 s (and maybe 2.0)


def test_404_is_not_found_and_not_retried(server: ScriptedServer) -> None:
    with pytest.raises(NotFoundError, match="resource not found"):
        fetcher().fetch_bytes(server.url("/missing"))
    assert len(server.seen) == 1


def test_other_4xx_fail_without_retry(server: ScriptedServer) -> None:
    server.route("/c", Answer(403, b"no"))
    with pytest.raises(FetchError, match="HTTP 403"):
        fetcher().fetch_bytes(server.url("/c"))
    assert len(server.seen) == 1


def test_slow_headers_time_out_per_attempt_then_succeed(server: ScriptedServer) -> None:
    server.route("/c", Answer(200, b"late", delay=2.5), Answer(200, b"quick"))
    started = time.monotonic()
    assert fetcher(http_response_headers=1).fetch_bytes(server.url("/c")) == b"quick"
    assert 1.0 <= time.monotonic() - started < 2.4


def test_slow_headers_past_the_total_timeout_fail(server: ScriptedServer) -> None:
    server.route("/c", Answer(200, b"late", delay=5))
    started = time.monotonic()
    with pytest.raises(FetchTimeoutError):
        fetcher(http_response_headers=10, http_total=2).fetch_bytes(server.url("/c"))
    assert time.monotonic() - started < 3.5


def test_reset_connections_are_retried(server: ScriptedServer) -> None:
    server.route("/c", Answer(reset=True), Answer(reset=True), Answer(200, b"survived"))
    assert fetcher().fetch_bytes(server.url("/c")) == b"survived"
    assert len(server.seen) == 3


def test_server_that_comes_up_late(tmp_path: Path) -> None:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    result: list[bytes] = []
    thread = threading.Thread(
        target=lambda: result.append(
            fetcher(http_total=20).fetch_bytes(f"http://127.0.0.1:{port}/c")
        )
    )
    thread.start()
    time.sleep(1.5)
    late = ScriptedServer(port=port)
    late.route("/c", Answer(200, b"finally"))
    thread.join(15)
    late.close()
    assert result == [b"finally"]


def test_gzip_and_hash_over_decompressed_bytes(server: ScriptedServer) -> None:
    payload = b"a file\n" * 100
    server.route("/f.gz", Answer(200, gzip.compress(payload)))
    good = Resource(
        source=server.url("/f.gz"),
        compression="gzip",
        verification=Verification("sha512-" + hashlib.sha512(payload).hexdigest()),
    )
    assert read_all(fetcher().open_resource(good)) == payload
    bad = Resource(
        source=server.url("/f.gz"),
        compression="gzip",
        verification=Verification("sha256-" + hashlib.sha256(b"other").hexdigest()),
    )
    with pytest.raises(HashMismatchError):
        read_all(fetcher().open_resource(bad))


def test_fetch_callable_hands_raw_bytes_to_the_files_stage(server: ScriptedServer) -> None:
    compressed = gzip.compress(b"x")
    server.route("/f.gz", Answer(200, compressed))
    resource = Resource(source=server.url("/f.gz"), compression="gzip")
    with fetcher()(resource) as stream:
        assert stream.read() == compressed


def test_https_with_the_configs_ca(tls_server: ScriptedServer, test_ca: CertAuthority) -> None:
    tls_server.route("/c", Answer(200, b"secure"))
    instance = Fetcher(LOG)
    ca = Resource(source=encode_data_url(test_ca.cert.read_bytes()))
    instance.configure(Ignition(version="3.6.0", security=Security(tls=TLS((ca,)))))
    assert instance.fetch_bytes(tls_server.url("/c")) == b"secure"


def test_https_with_a_ca_that_does_not_match_fails_clearly(
    tls_server: ScriptedServer, tmp_path: Path
) -> None:
    from .servers import make_ca

    other = make_ca(tmp_path / "other", "some other CA")
    tls_server.route("/c", Answer(200, b"secure"))
    instance = Fetcher(LOG)
    ca = Resource(source=encode_data_url(other.cert.read_bytes()))
    instance.configure(
        Ignition(
            version="3.6.0", security=Security(tls=TLS((ca,))), timeouts=Timeouts(http_total=3)
        )
    )
    with pytest.raises(FetchError, match="certificate verify failed"):
        instance.fetch_bytes(tls_server.url("/c"))
    assert tls_server.seen == []


def test_a_ca_that_is_not_pem_is_refused() -> None:
    instance = Fetcher(LOG)
    ca = Resource(source=encode_data_url(b"not a certificate"))
    with pytest.raises(FetchError, match="unable to decode PEM block"):
        instance.configure(Ignition(version="3.6.0", security=Security(tls=TLS((ca,)))))


def test_proxy_from_the_config(server: ScriptedServer) -> None:
    target = "http://config.example.invalid/c.ign"
    server.route(target, Answer(200, b"via proxy"))
    instance = Fetcher(LOG)
    proxy = Proxy(http_proxy=f"127.0.0.1:{server.port}")
    instance.configure(Ignition(version="3.6.0", proxy=proxy))
    assert instance.fetch_bytes(target) == b"via proxy"
    assert server.seen[0].path == target


def test_no_proxy_bypasses_the_proxy(server: ScriptedServer) -> None:
    server.route("/c", Answer(200, b"direct"))
    instance = Fetcher(LOG)
    proxy = Proxy(http_proxy="http://192.0.2.1:9", no_proxy=("127.0.0.0/8",))
    instance.configure(Ignition(version="3.6.0", proxy=proxy))
    assert instance.fetch_bytes(server.url("/c")) == b"direct"


def test_redirects_are_followed_without_the_callers_headers(server: ScriptedServer) -> None:
    server.route("/old", Answer(302, headers={"Location": "/new"}))
    server.route("/new", Answer(200, b"moved"))
    resource = Resource(source=server.url("/old"), http_headers=(HTTPHeader("X-Token", "t"),))
    assert read_all(fetcher().open_resource(resource)) == b"moved"
    assert "X-Token" in server.seen[0].headers
    assert "X-Token" not in server.seen[1].headers


def test_big_body_is_streamed(server: ScriptedServer) -> None:
    payload = bytes(range(256)) * 40000  # 10 MB
    server.route("/big", Answer(200, payload))
    digest = hashlib.sha256()
    with fetcher().open(server.url("/big")) as stream:
        while chunk := stream.read(1 << 16):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(payload).hexdigest()
