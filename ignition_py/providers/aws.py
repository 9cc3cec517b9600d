"""`aws`: EC2 user data from the instance metadata service (IMDSv2 token, IMDSv1 when
the token endpoint refuses; 404 = no user data), and for S3 sources the instance's
region as the bucket-region hint and its role's credentials."""

from __future__ import annotations

import functools

from ..frozen import replace
from ..resources.awsimds import USERDATA_URL, Imds
from ..resources.errors import FetchError, NeedNetError
from ..resources.fetcher import Fetcher
from ..resources.http import HttpClient
from ..resources.sigv4 import Credentials
from .platform import Platform, ProviderContext, register

# IMDS lookups made for S3 in later stages get a bound even when the config sets none.
IMDS_TOTAL_TIMEOUT = 30.0


def fetch(context: ProviderContext) -> bytes:
    if context.offline:
        raise NeedNetError("EC2 instance metadata service")
    status, body = Imds(context.fetcher.http).get(USERDATA_URL)
    if status == 404:
        context.log.info("no EC2 user data: empty config")
        return b""
    if status != 200:
        raise FetchError(f"failed to fetch EC2 user data: HTTP {status}")
    return body


def prepare(fetcher: Fetcher) -> None:
    if fetcher.offline:
        # Upstream determines the region before anything else: that needs the network.
        raise NeedNetError("EC2 region lookup")
    settings = fetcher.http.settings
    if settings.total_timeout is None:
        settings = replace(settings, total_timeout=IMDS_TOTAL_TIMEOUT)
    imds = Imds(HttpClient(fetcher.log, settings))

    @functools.cache
    def region() -> str:
        try:
            return imds.region()
        except FetchError as err:
            fetcher.log.warning(f"failed to determine EC2 region, using us-east-1: {err}")
            return "us-east-1"

    @functools.cache
    def credentials() -> Credentials | None:
        try:
            return imds.role_credentials()
        except FetchError as err:
            fetcher.log.info(f"no EC2 IMDS role, fetching from S3 anonymously: {err}")
            return None

    fetcher.s3_region_hint = region
    fetcher.aws_credentials = credentials


register(Platform("aws", fetch, prepare))
