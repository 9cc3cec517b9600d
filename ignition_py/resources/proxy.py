"""Which proxy a request goes through, from the config's `ignition.proxy` only (the
environment's http_proxy is not consulted, as upstream), with Go's httpproxy rules:
https URLs use httpsProxy, http URLs httpProxy; localhost and loopback addresses never
go through a proxy; noProxy entries are `*`, IPs, CIDRs, or domains (a domain matches
itself and its subdomains, `.domain` only its subdomains), each with an optional port."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..frozen import frozen_model


@frozen_model
class ProxySettings:
    http_proxy: str = ""
    https_proxy: str = ""
    no_proxy: tuple[str, ...] = ()

    def proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        proxy = self.https_proxy if parts.scheme == "https" else self.http_proxy
        if not proxy or parts.scheme not in ("http", "https"):
            return None
        host = (parts.hostname or "").lower()
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if host == "localhost" or _is_loopback(host) or self._excluded(host, port):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"

    def _excluded(self, host: str, port: int) -> bool:
        for raw in self.no_proxy:
            for entry in (e.strip().lower() for e in raw.split(",")):
                if entry and _matches(entry, host, port):
                    return True
        return False


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _matches(entry: str, host: str, port: int) -> bool:
    if entry == "*":
        return True
    if "/" in entry:
        try:
            return ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
    name, wanted_port = entry, None
    if entry.startswith("["):
        name, _, rest = entry[1:].partition("]")
        wanted_port = rest[1:] if rest.startswith(":") else None
    elif entry.count(":") == 1:
        name, _, wanted_port = entry.partition(":")
    if wanted_port and wanted_port != str(port):
        return False
    try:
        return ipaddress.ip_address(name) == ipaddress.ip_address(host)
    except ValueError:
        pass
    if name.startswith("*."):
        name = name[1:]
    if name.startswith("."):
        return host.endswith(name)
    return host == name or host.endswith("." + name)
