"""One Fetcher per stage process: it fetches any source URL as a verified stream and
carries the HTTP settings (timeouts, proxy, CAs) of the config being worked on, as
upstream's resource.Fetcher does. In fetch-offline it is `offline`: anything that needs
the network raises NeedNetError instead of sending a packet."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from ignition_py.frozen import replace

from ..config.model import Config, Ignition, Resource
from ..log import Logger
from ..typecheck import TYPE_CHECKING
from .contents import verified
from .dataurl import decode_data_url, encode_data_url
from .errors import (
    CompressionUnsupportedError,
    FetchError,
    NeedNetError,
    NotFoundError,
    UnsupportedSchemeError,
)
from .http import HttpClient, HttpRequest, HttpSettings
from .proxy import ProxySettings
from .stream import CONFIG_SIZE_LIMIT, ChunkStream, read_all
from .urls import scheme_of, shown_url

if TYPE_CHECKING:  # only annotations need them; S3 code loads when an s3:// URL is fetched
    from typing import BinaryIO

    from .s3 import CredentialSource
    from .sigv4 import Credentials

NETWORK_SCHEMES = frozenset({"http", "https", "tftp", "s3", "arn", "gs"})
CA_SIZE_LIMIT = 16 * 1024 * 1024


def url_needs_net(url: str) -> bool:
    """True when fetching `url` needs the network (http, https, tftp, s3, arn, gs), as
    upstream's fetch-offline decides."""
    return scheme_of(url) in NETWORK_SCHEMES


def _no_credentials() -> Credentials | None:
    return None


class Fetcher:
    """Upstream's resource.Fetcher: opens a Resource (data, http(s), tftp, s3, arn, gs URL,
    or Flatcar's oem) as a stream with its compression and hash applied, with the config's
    timeouts, proxy and CAs (configure). Offline it raises NeedNetError for a source that needs the
    network; other failures raise FetchError (NotFoundError for a 404 or a missing TFTP
    file, UnsupportedSchemeError for any other scheme)."""

    def __init__(
        self, log: Logger, *, offline: bool = False, settings: HttpSettings | None = None
    ) -> None:
        self.log = log
        self.offline = offline
        self.http = HttpClient(log, settings or HttpSettings())
        self.s3_region_hint: Callable[[], str] = str  # "" until a platform knows better
        self.aws_credentials: CredentialSource = _no_credentials
        self._cas: dict[str, bytes] = {}

    # -- settings -------------------------------------------------------------------

    def use_timeouts(self, total: float | None) -> None:
        current = self.http.settings
        self.http = HttpClient(self.log, replace(current, total_timeout=total or None))

    def configure(self, ignition: Ignition) -> None:
        """Upstream's UpdateHttpTimeoutsAndCAs: the config's timeouts, proxy and CAs."""
        from .http import DEFAULT_RESPONSE_HEADERS_TIMEOUT

        timeouts = ignition.timeouts
        headers_wait = DEFAULT_RESPONSE_HEADERS_TIMEOUT
        total: float | None = None
        if timeouts is not None:
            if timeouts.http_response_headers is not None:
                # Go's transport waits without limit for a value <= 0, as 0 does here.
                headers_wait = max(0.0, float(timeouts.http_response_headers))
            if timeouts.http_total:
                total = float(timeouts.http_total)
        proxy = ignition.proxy
        proxy_settings = ProxySettings(
            http_proxy=(proxy.http_proxy or "") if proxy else "",
            https_proxy=(proxy.https_proxy or "") if proxy else "",
            no_proxy=proxy.no_proxy if proxy else (),
        )
        settings = HttpSettings(headers_wait, total, proxy_settings, None)
        self.http = HttpClient(self.log, settings)
        cas = _certificate_authorities(ignition)
        if cas:
            from .tls import trust_context  # ssl: only for a config with its own CAs

            blobs = [(shown_url(ca.source or ""), self.ca_blob(ca)) for ca in cas]
            context = trust_context(blobs)
            self.http = HttpClient(self.log, replace(settings, ssl_context=context))

    def ca_blob(self, ca: Resource) -> bytes:
        source = ca.source or ""
        if source not in self._cas:
            try:
                blob = read_all(self.open_resource(ca), CA_SIZE_LIMIT)
            except NeedNetError:
                raise
            except FetchError as err:
                raise FetchError(f"unable to fetch CA {shown_url(source)}: {err}") from err
            self._cas[source] = blob
        return self._cas[source]

    def inline_cas(self, config: Config) -> Config:
        """Upstream's RewriteCAsWithDataUrls: the cache carries the CAs themselves."""
        ignition = config.ignition
        cas = _certificate_authorities(ignition)
        if not cas or ignition.security is None or ignition.security.tls is None:
            return config
        inlined = tuple(
            Resource(source=encode_data_url(self.ca_blob(ca)), verification=ca.verification)
            for ca in cas
        )
        tls = replace(ignition.security.tls, certificate_authorities=inlined)
        security = replace(ignition.security, tls=tls)
        return replace(config, ignition=replace(ignition, security=security))

    # -- fetching -------------------------------------------------------------------

    def __call__(self, resource: Resource) -> BinaryIO:
        """The `fetch` callable of resources.contents.read_contents, which gunzips and checks
        the hash itself: the bytes as transported (S3 still refuses compression)."""
        source = resource.source or ""
        if resource.compression and scheme_of(source) in ("s3", "arn"):
            raise CompressionUnsupportedError(f"with the s3 scheme ({shown_url(source)})")
        return self.open_raw(resource)

    def open_resource(self, resource: Resource) -> BinaryIO:
        return self.open(
            resource.source or "",
            compression=resource.compression,
            verification=resource.verification.hash if resource.verification else None,
            headers=resource_headers(resource),
        )

    def open_raw(self, resource: Resource) -> BinaryIO:
        """The bytes as the server sends them: no gunzip, no hash check."""
        return self.open(resource.source or "", headers=resource_headers(resource))

    def fetch_bytes(self, url: str, **options: object) -> bytes:
        """The whole body at ``url`` (a provider's config or token), at most
        CONFIG_SIZE_LIMIT bytes; raises FetchError and its kinds."""
        return read_all(self.open(url, **options), CONFIG_SIZE_LIMIT)  # type: ignore[arg-type]

    def open(
        self,
        url: str,
        *,
        compression: str | None = None,
        verification: str | None = None,
        headers: Mapping[str, str] | None = None,
        method: str = "GET",
        retry_codes: frozenset[int] = frozenset(),
        source_port: bool = False,
    ) -> BinaryIO:
        scheme = scheme_of(url)
        shown = shown_url(url)
        if self.offline and scheme in NETWORK_SCHEMES:
            raise NeedNetError(shown)
        close = None
        chunks: Iterator[bytes]
        if scheme in ("http", "https"):
            request = HttpRequest(
                url, method, dict(headers or {}), retry_codes, 0 if source_port else None
            )
            response = self.http.send(request)
            if response.status == 404:
                response.close()
                raise NotFoundError(shown)
            if response.status not in (200, 204):
                response.close()
                raise FetchError(
                    f"failed to fetch resource {shown}: HTTP {response.status} {response.reason}"
                )
            chunks, close = response.chunks(), response.close
        elif scheme == "tftp":
            from .tftp import tftp_chunks

            chunks = tftp_chunks(url, self.http.settings.total_timeout)
        elif scheme == "data":
            chunks = iter([decode_data_url(url)])
        elif scheme == "oem":
            from .oem import oem_chunks

            chunks = oem_chunks(url)
        elif scheme in ("s3", "arn"):
            from .s3 import open_s3

            if compression:
                raise CompressionUnsupportedError(f"with the {scheme} scheme ({shown})")
            response = open_s3(self.http, url, self.s3_region_hint, self.aws_credentials)
            chunks, close = response.chunks(), response.close
        elif scheme == "gs":
            from .gcs import open_gcs

            response = open_gcs(self.http, url)
            chunks, close = response.chunks(), response.close
        elif scheme == "" and not url:
            chunks = iter(())
        else:
            raise UnsupportedSchemeError(scheme or url)
        return verified(ChunkStream(chunks, close), compression, verification)


def resource_headers(resource: Resource) -> dict[str, str]:
    return {h.name: h.value for h in resource.http_headers if h.value is not None}


def _certificate_authorities(ignition: Ignition) -> tuple[Resource, ...]:
    security = ignition.security
    if security is None or security.tls is None:
        return ()
    return security.tls.certificate_authorities
