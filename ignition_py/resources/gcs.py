"""gs:// sources: the object from Cloud Storage's XML endpoint, with the instance
service account's token when running on GCE, anonymous otherwise."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from .errors import FetchError
from .http import HttpClient, HttpRequest, HttpResponse, HttpSettings
from .urls import shown_url

STORAGE = "https://storage.googleapis.com"
TOKEN_URL = "http://169.254.169.254/computeMetadata/v1/instance/service-accounts/default/token"


def gce_token(http: HttpClient) -> str | None:
    """The default service account's token; None off GCE (one quick attempt)."""
    import json

    probe = HttpClient(http.log, HttpSettings(response_headers_timeout=2, total_timeout=2))
    try:
        response = probe.send(HttpRequest(TOKEN_URL, headers={"Metadata-Flavor": "Google"}))
    except FetchError:
        http.log.debug("falling back to unauthenticated GCS access: not running in GCE")
        return None
    body = b"".join(response.chunks())
    response.close()
    if response.status != 200 or response.headers.get("Metadata-Flavor") != "Google":
        http.log.debug("falling back to unauthenticated GCS access: no service account")
        return None
    try:
        return str(json.loads(body)["access_token"])
    except (ValueError, KeyError, TypeError):
        return None


def open_gcs(http: HttpClient, url: str) -> HttpResponse:
    parts = urlsplit(url)
    bucket, name = parts.netloc, parts.path.lstrip("/")
    headers = {"Accept": "*/*"}
    token = gce_token(http)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = http.send(
        HttpRequest(f"{STORAGE}/{bucket}/{quote(name, safe='/~')}", headers=headers)
    )
    if response.status != 200:
        response.close()
        raise FetchError(
            f"error while reading content from {shown_url(url)}: HTTP {response.status}"
        )
    return response
