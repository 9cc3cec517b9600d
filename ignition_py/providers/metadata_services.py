"""Platforms whose config is one HTTP GET on a link-local metadata service."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping

from ..errors import ConfigError
from ..resources.errors import NotFoundError
from .platform import Platform, ProviderContext, register


def userdata(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    missing_is_empty: bool = True,
    retry_codes: frozenset[int] = frozenset(),
    base64_encoded: bool = False,
) -> Callable[[ProviderContext], bytes]:
    def fetch(context: ProviderContext) -> bytes:
        try:
            data = context.fetcher.fetch_bytes(
                url, headers=dict(headers or {}), retry_codes=retry_codes
            )
        except NotFoundError:
            if not missing_is_empty:
                raise
            context.log.info("no user data at the metadata service: empty config")
            return b""
        if base64_encoded:
            try:
                return base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError) as err:
                raise ConfigError(f"decoding userdata: {err}") from err
        return data

    return fetch


IMDS = "http://169.254.169.254"

register(
    Platform(
        "gcp",
        userdata(
            f"{IMDS}/computeMetadata/v1/instance/attributes/user-data",
            headers={"Metadata-Flavor": "Google"},
        ),
    )
)
register(Platform("digitalocean", userdata(f"{IMDS}/metadata/v1/user-data")))
register(Platform("hetzner", userdata(f"{IMDS}/hetzner/v1/userdata")))
register(Platform("vultr", userdata(f"{IMDS}/user-data/user-data")))
register(Platform("exoscale", userdata(f"{IMDS}/1.0/user-data")))
register(Platform("upcloud", userdata(f"{IMDS}/metadata/v1/user_data")))
register(Platform("aliyun", userdata("http://100.100.100.200/latest/user-data")))
register(
    Platform(
        "packet",
        # Equinix Metal answers "Not Acceptable" to the default Accept header.
        userdata(
            "https://metadata.packet.net/userdata",
            headers={"Accept": "*/*"},
            missing_is_empty=False,
        ),
    )
)
register(
    Platform(
        "oraclecloud",
        userdata(
            f"{IMDS}/opc/v2/instance/metadata/user_data",
            headers={"Authorization": "Bearer Oracle"},
            retry_codes=frozenset({429}),
            base64_encoded=True,
        ),
    )
)
