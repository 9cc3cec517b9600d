"""s3:// and arn: sources: the bucket's region found with a HEAD to the hinted
partition's endpoint (x-amz-bucket-region), then a GET on the dual-stack endpoint,
signed with SigV4 when the platform supplies credentials (EC2's instance role), else
anonymous; `versionId` passed through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, urlsplit

from .arn import S3Target, parse_arn
from .errors import FetchError
from .http import HttpClient, HttpRequest, HttpResponse
from .sigv4 import Credentials, canonical_query, sign

CredentialSource = Callable[[], Credentials | None]


def target_of(url: str) -> tuple[S3Target, str | None]:
    parts = urlsplit(url)
    version = parse_qs(parts.query).get("versionId", [None])[0]
    if parts.scheme == "arn":
        return parse_arn(url.split("?", 1)[0]), version
    return S3Target(bucket=parts.netloc, key=parts.path.lstrip("/")), version


def _domain(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def bucket_region(http: HttpClient, bucket: str, hint: str) -> str:
    if "." in bucket:
        url = f"https://s3.{hint}.{_domain(hint)}/{bucket}"
    else:
        url = f"https://{bucket}.s3.{hint}.{_domain(hint)}/"
    response = http.send(HttpRequest(url, method="HEAD"))
    response.close()
    region = response.headers.get("x-amz-bucket-region")
    if region:
        return region
    if response.status == 404:
        raise FetchError(f"could not find bucket {bucket!r}")
    raise FetchError(f"couldn't determine the region for bucket {bucket!r}: HTTP {response.status}")


def object_url(target: S3Target, region: str) -> tuple[str, str]:
    """(host, encoded path) on the dual-stack endpoint, virtual-hosted when possible."""
    key = quote(target.key, safe="/~")
    domain = _domain(region)
    if target.access_point is not None:
        name, account = target.access_point
        return f"{name}-{account}.s3-accesspoint.dualstack.{region}.{domain}", f"/{key}"
    if "." in target.bucket:
        return f"s3.dualstack.{region}.{domain}", f"/{target.bucket}/{key}"
    return f"{target.bucket}.s3.dualstack.{region}.{domain}", f"/{key}"


def open_s3(
    http: HttpClient, url: str, region_hint: Callable[[], str], credentials: CredentialSource
) -> HttpResponse:
    target, version = target_of(url)
    region = target.region
    if not region:
        hint = target.region_hint or region_hint() or "us-east-1"
        region = bucket_region(http, target.bucket, hint)
    host, path = object_url(target, region)
    query = {"versionId": version} if version else {}
    headers: dict[str, str] = {"Accept": "*/*"}
    creds = credentials()
    if creds is not None:
        headers.update(
            sign(
                method="GET",
                host=host,
                path=path,
                query=query,
                headers={},
                credentials=creds,
                region=region,
                service="s3",
                now=datetime.now(UTC),
            )
        )
    full = f"https://{host}{path}" + (f"?{canonical_query(query)}" if query else "")
    response = http.send(HttpRequest(full, headers=headers))
    if response.status != 200:
        response.close()
        raise FetchError(
            f"error fetching object {target.key!r} from bucket {target.bucket!r}: "
            f"HTTP {response.status} {response.reason}"
        )
    return response
