"""Why a resource could not be fetched, in the operator's terms (upstream's error set)."""

from __future__ import annotations

from ..errors import IgnitionError


class FetchError(IgnitionError):
    """A resource could not be fetched."""


class NotFoundError(FetchError):
    """The resource at `url` does not exist (HTTP 404, a TFTP file not found); providers
    that may have no config treat it as none, as upstream does."""

    def __init__(self, url: str) -> None:
        super().__init__(f"resource not found: {url}")


class NeedNetError(FetchError):
    """Raised in fetch-offline for anything that needs the network."""

    def __init__(self, what: str) -> None:
        super().__init__(f"resource requires networking: {what}")


class UnsupportedSchemeError(FetchError):
    """A source whose URL scheme no fetcher handles (or, in the files stage, a remote
    source with no fetcher made for it)."""

    def __init__(self, scheme: str) -> None:
        super().__init__(f"unsupported source scheme {scheme!r}")


class CompressionUnsupportedError(FetchError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"compression is not supported {detail}")


class FetchTimeoutError(FetchError):
    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(f"unable to fetch resource in time: {url} (gave up after {seconds:g} s)")


class ContentError(FetchError):
    """The bytes of a resource are not what its config says (gzip, hash): v2.26.0's
    message for each mistake, whichever stage reads the resource."""


class HashMismatchError(ContentError):
    def __init__(self, calculated: str, expected: str) -> None:
        super().__init__(
            f"hash verification failed (calculated {calculated} but expected {expected})"
        )
