"""EC2's instance metadata service: IMDSv2 (a session token from PUT /latest/api/token)
with IMDSv1 as the fallback when the token endpoint refuses; region and role
credentials for S3."""

from __future__ import annotations

import json

from .errors import FetchError
from .http import HttpClient, HttpRequest
from .sigv4 import Credentials

IMDS = "http://169.254.169.254"
TOKEN_URL = f"{IMDS}/latest/api/token"
USERDATA_URL = f"{IMDS}/2019-10-01/user-data"
IDENTITY_URL = f"{IMDS}/latest/dynamic/instance-identity/document"
ROLES_URL = f"{IMDS}/latest/meta-data/iam/security-credentials/"
TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds"
TOKEN_HEADER = "X-aws-ec2-metadata-token"


class Imds:
    """EC2's instance metadata service through `http`: an IMDSv2 token asked for once (PUT, TTL
    21600 s), IMDSv1 when none is given, as upstream; the region and the instance role's
    credentials. Raises FetchError when IMDS answers without them."""

    __slots__ = ("_asked", "_token", "http")

    def __init__(self, http: HttpClient) -> None:
        self.http = http
        self._token: str | None = None
        self._asked = False

    def token(self) -> str | None:
        if not self._asked:
            self._asked = True
            response = self.http.send(
                HttpRequest(TOKEN_URL, method="PUT", headers={TOKEN_TTL_HEADER: "21600"})
            )
            body = b"".join(response.chunks())
            response.close()
            if response.status == 200 and body.strip():
                self._token = body.decode().strip()
            else:
                self.http.log.info(
                    f"IMDSv2 token request answered {response.status}: falling back to IMDSv1"
                )
        return self._token

    def get(self, url: str) -> tuple[int, bytes]:
        token = self.token()
        headers = {TOKEN_HEADER: token} if token else {}
        response = self.http.send(HttpRequest(url, headers=headers))
        try:
            return response.status, b"".join(response.chunks())
        finally:
            response.close()

    def region(self) -> str:
        status, body = self.get(IDENTITY_URL)
        if status != 200:
            raise FetchError(f"instance identity document: HTTP {status}")
        try:
            region = json.loads(body)["region"]
        except (ValueError, KeyError, TypeError) as err:
            raise FetchError("instance identity document has no region") from err
        return str(region)

    def role_credentials(self) -> Credentials:
        status, body = self.get(ROLES_URL)
        roles = body.decode().split()
        if status != 200 or not roles:
            raise FetchError(f"no EC2 IMDS role (HTTP {status})")
        status, body = self.get(ROLES_URL + roles[0])
        if status != 200:
            raise FetchError(f"EC2 IMDS role credentials: HTTP {status}")
        try:
            document = json.loads(body)
            return Credentials(
                document["AccessKeyId"], document["SecretAccessKey"], document.get("Token")
            )
        except (ValueError, KeyError, TypeError) as err:
            raise FetchError("EC2 IMDS role credentials are malformed") from err
