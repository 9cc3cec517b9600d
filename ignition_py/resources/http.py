"""HTTP(S) with upstream's client behaviour: its request headers, its retry policy (5xx,
connection errors and the caller's extra codes retried after 200 ms, 400 ms, ... capped
at 5 s, until the total timeout), a per-attempt wait for the response headers, the
config's proxy and CAs, and the body streamed. The total timeout covers the body too,
however slowly it trickles in. Errors that no retry can mend (a header that cannot be
sent, a redirect to a scheme that is not HTTP) end the fetch at once, and so does a
certificate that fails verification (upstream retries it until the total timeout).
Every request uses tls.trust_context's context (host checked against subjectAltName only).

requests (and the deadline's thread) are imported when the first request is made: most
stage processes never need them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from urllib.parse import urljoin, urlsplit

from .. import __version__
from ..config.http_headers import first_header_problem
from ..config.versions import NEWEST_STABLE
from ..frozen import field, frozen_model
from ..log import Logger
from ..typecheck import TYPE_CHECKING
from .errors import FetchError, FetchTimeoutError
from .proxy import ProxySettings
from .stream import CHUNK
from .urls import shown_url

if TYPE_CHECKING:
    import ssl
    from typing import Any

    import requests

    from .deadline import DeadlineGuard

INITIAL_BACKOFF = 0.2
MAX_BACKOFF = 5.0
CONNECT_TIMEOUT = 30.0
DEFAULT_RESPONSE_HEADERS_TIMEOUT = 10.0
MAX_REDIRECTS = 10

DEFAULT_HEADERS: dict[str, str] = {
    "User-Agent": f"Ignition/ignition-py-{__version__}",
    "Accept": f"application/vnd.coreos.ignition+json;version={NEWEST_STABLE}, */*;q=0.1",
    "Accept-Encoding": "identity",
}


@frozen_model
class HttpSettings:
    response_headers_timeout: float = DEFAULT_RESPONSE_HEADERS_TIMEOUT
    total_timeout: float | None = None  # None: no limit
    proxy: ProxySettings = field(default_factory=ProxySettings)
    ssl_context: ssl.SSLContext | None = None


@frozen_model
class HttpRequest:
    url: str
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    retry_codes: frozenset[int] = frozenset()
    source_port: int | None = None  # random low port per attempt (Scaleway's metadata)


def merged_headers(overrides: Mapping[str, str]) -> dict[str, str]:
    """Upstream's defaults, each replaced by a header of the same name (any case)."""
    headers = dict(DEFAULT_HEADERS)
    for name, value in overrides.items():
        for existing in [k for k in headers if k.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value
    return headers


class HttpResponse:
    """Status and a streamed body; reading the body ends at the total deadline."""

    def __init__(
        self, response: requests.Response, guard: DeadlineGuard | None, started: float, url: str
    ) -> None:
        self.status = response.status_code
        self.reason = response.reason or ""
        self.headers = response.headers
        self._response = response
        self._guard = guard
        self._started = started
        self._url = url
        sock = getattr(getattr(response.raw, "connection", None), "sock", None)
        if sock is not None:
            # Headers had their own timeout; the body is bounded only by the deadline.
            sock.settimeout(None)

    def chunks(self) -> Iterator[bytes]:
        import urllib3.exceptions

        raw = self._response.raw
        try:
            while True:
                try:
                    data = raw.read(CHUNK, decode_content=False)
                except (urllib3.exceptions.HTTPError, OSError) as err:
                    if self._guard is not None and self._guard.expired:
                        raise FetchTimeoutError(self._url, self._elapsed()) from None
                    detail = f"{type(err).__name__}: {err}"
                    raise FetchError(f"reading {self._url}: {detail}") from err
                if self._guard is not None and self._guard.expired:
                    raise FetchTimeoutError(self._url, self._elapsed())
                if not data:
                    return
                yield data
        finally:
            self._stop_guard()

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _stop_guard(self) -> None:
        if self._guard is not None:
            self._guard.cancel()

    def close(self) -> None:
        self._stop_guard()
        self._response.close()


class HttpClient:
    """HTTP(S) as upstream's client does it (see the module docstring): `send` makes a request
    with retries until the settings' total timeout (seconds) and returns the streamed response.
    Raises FetchError, or FetchTimeoutError once the total timeout has passed."""

    def __init__(self, log: Logger, settings: HttpSettings) -> None:
        self.log = log
        self.settings = settings
        self._session: Any = None

    def _new_session(self, source_port: int | None = None) -> requests.Session:
        import requests
        from requests.adapters import HTTPAdapter

        from .tls import trust_context

        context = self.settings.ssl_context or trust_context([])
        pool_extra: dict[str, Any] = {"ssl_context": context}
        if source_port is not None:
            pool_extra["source_address"] = ("", source_port)

        from .deadline import pool_classes

        pools = pool_classes()

        class _Adapter(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                super().init_poolmanager(*args, **{**kwargs, **pool_extra})
                self.poolmanager.pool_classes_by_scheme = pools

            def proxy_manager_for(self, proxy: str, **kwargs: Any) -> Any:
                manager = super().proxy_manager_for(proxy, **{**kwargs, **pool_extra})
                manager.pool_classes_by_scheme = pools
                return manager

        session = requests.Session()
        session.trust_env = False  # proxies come from the config only, as upstream
        session.headers.clear()
        adapter = _Adapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def send(self, request: HttpRequest) -> HttpResponse:
        total = self.settings.total_timeout
        started = time.monotonic()
        deadline = started + total if total else None
        shown = shown_url(request.url)
        if problem := first_header_problem(request.headers):
            raise FetchError(f"cannot fetch {shown}: {problem}")
        from .deadline import DeadlineGuard

        guard = DeadlineGuard(deadline) if deadline is not None else None
        try:
            return self._send(request, started, guard, shown)
        except BaseException:
            if guard is not None:
                guard.cancel()
            raise

    def _send(
        self, request: HttpRequest, started: float, guard: DeadlineGuard | None, shown: str
    ) -> HttpResponse:
        deadline = guard.deadline if guard is not None else None
        delay = INITIAL_BACKOFF
        attempt = 0
        while True:
            attempt += 1
            self.log.info(f"{request.method} {shown}: attempt #{attempt}")
            if guard is None:
                response = self._attempt(request, deadline, shown)
            else:
                with guard.connecting():
                    response = self._attempt(request, deadline, shown)
            if response is not None:
                status = response.status_code
                self.log.info(f"{request.method} result: {status} {response.reason or ''}")
                if status < 500 and status not in request.retry_codes:
                    return HttpResponse(response, guard, started, shown)
                response.close()
            if deadline is not None:
                remaining = deadline - time.monotonic()
                if remaining <= delay:
                    time.sleep(max(remaining, 0))
                    raise FetchTimeoutError(shown, time.monotonic() - started)
            time.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)

    def _attempt(
        self, request: HttpRequest, deadline: float | None, shown: str
    ) -> requests.Response | None:
        import requests

        if request.source_port is not None:
            import random

            session = self._new_session(random.randint(1, 1022))
        else:
            if self._session is None:
                self._session = self._new_session()
            session = self._session
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0.001)
        connect = CONNECT_TIMEOUT if remaining is None else min(CONNECT_TIMEOUT, remaining)
        headers_wait = self.settings.response_headers_timeout or None
        if remaining is not None:
            headers_wait = remaining if headers_wait is None else min(headers_wait, remaining)
        url = request.url
        headers = merged_headers(request.headers)
        method = request.method
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response: requests.Response = session.request(
                    method,
                    url,
                    # Go sends a value's bytes (UTF-8); http.client would encode Latin-1.
                    headers={name: value.encode() for name, value in headers.items()},
                    stream=True,
                    allow_redirects=False,
                    timeout=(connect, headers_wait),
                    proxies=self._proxies(url),
                )
                location = response.headers.get("Location")
                if response.status_code not in (301, 302, 303, 307, 308) or not location:
                    return response
                response.close()
                url = urljoin(url, location)
                if urlsplit(url).scheme.lower() not in ("http", "https"):
                    raise FetchError(
                        f"{shown}: redirected to {shown_url(url)}, which is not http(s)"
                    )
                # Upstream drops the caller's headers when following a redirect.
                headers = {"User-Agent": DEFAULT_HEADERS["User-Agent"]}
                if response.status_code == 303 or (
                    response.status_code in (301, 302) and method != "HEAD"
                ):
                    method = "GET"
            raise FetchError(f"{shown}: stopped after {MAX_REDIRECTS} redirects")
        except requests.exceptions.SSLError as err:
            if _certificate_refused(err):
                # A certificate that does not verify will not verify on a retry either.
                raise FetchError(f"TLS error fetching {shown}: {_describe(err)}") from None
            self.log.info(f"{request.method} error: {_describe(err)}")
            return None
        except (
            requests.exceptions.InvalidHeader,
            requests.exceptions.InvalidURL,
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
        ) as err:
            # The same request fails the same way every time. (InvalidHeader's text
            # quotes the value: say only its kind.)
            raise FetchError(f"cannot fetch {shown}: {type(err).__name__}") from None
        except requests.RequestException as err:
            self.log.info(f"{request.method} error: {_describe(err)}")
            return None

    def _proxies(self, url: str) -> dict[str, str]:
        proxy = self.settings.proxy.proxy_for(url)
        return {} if proxy is None else {urlsplit(url).scheme: proxy}


def _describe(err: Exception) -> str:
    """A one-line reason without the URL's query string (requests puts the URL in)."""
    text = str(err)
    reason = getattr(err, "args", ())
    if reason and hasattr(reason[0], "reason"):
        text = str(reason[0].reason)
    return f"{type(err).__name__}: {text}"


def _certificate_refused(err: BaseException) -> bool:
    """The server's certificate does not verify (OpenSSL's SSLCertVerificationError) or
    names another host or no subjectAltName (urllib3's CertificateError), found anywhere
    in the chain requests and urllib3 wrap it in."""
    import ssl

    from urllib3.util.ssl_match_hostname import CertificateError

    seen: set[int] = set()
    pending: list[object] = [err]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (ssl.SSLCertVerificationError, CertificateError)):
            return True
        pending.extend([*item.args, getattr(item, "reason", None)])
        pending.extend([item.__cause__, item.__context__])
    return False
