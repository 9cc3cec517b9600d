"""Rules of the ignition section and of every resource (contents, merge, CAs, key files)."""

from __future__ import annotations

from ..http_headers import header_problem
from ..model import HTTPHeader, Ignition, Proxy, Resource, Verification
from ..report import JsonPath
from ..versions import V3_1
from . import messages
from .problems import Problems
from .urls import optional_url_problem, parse_problem, url_problem

_HASH_HEX_LENGTHS = {"sha512": 128, "sha256": 64}


def check_ignition(ignition: Ignition, path: JsonPath, problems: Problems) -> None:
    config = ignition.config
    if config is not None:
        for i, merge in enumerate(config.merge):
            here = (*path, "config", "merge", i)
            if problems.since(V3_1):
                problems.error(here, _required_source_problem(merge, problems))
            check_resource(merge, here, problems, reference=True)
        if config.replace is not None:
            replace_path = (*path, "config", "replace")
            check_resource(config.replace, replace_path, problems, reference=True)
    if ignition.proxy is not None:
        check_proxy(ignition.proxy, (*path, "proxy"), problems)
    tls = ignition.security.tls if ignition.security is not None else None
    if tls is not None:
        for i, authority in enumerate(tls.certificate_authorities):
            here = (*path, "security", "tls", "certificateAuthorities", i)
            if problems.since(V3_1):
                problems.error(here, _required_source_problem(authority, problems))
                check_resource(authority, here, problems)
            else:
                # 3.0 CA sources are plain strings that must be URLs.
                source = authority.source or ""
                problems.error((*here, "source"), url_problem(source, problems.version))
                _check_verification(authority, here, problems, reference=True)


def _required_source_problem(resource: Resource, problems: Problems) -> str | None:
    if not resource.source:
        return messages.SOURCE_REQUIRED
    return url_problem(resource.source, problems.version)


def check_resource(
    resource: Resource, path: JsonPath, problems: Problems, *, reference: bool = False
) -> None:
    """`reference`: a config or CA reference (3.0 has separate types for those)."""
    if resource.compression not in (None, "", "gzip"):
        problems.error((*path, "compression"), messages.COMPRESSION_INVALID)
    _check_verification(resource, path, problems, reference=reference)
    problems.error((*path, "source"), optional_url_problem(resource.source, problems.version))
    if resource.http_headers:
        problems.error((*path, "httpHeaders"), _header_scheme_problem(resource.source))
        for i, header in enumerate(resource.http_headers):
            here = (*path, "httpHeaders", i)
            if header.name == "":
                problems.error((*here, "name"), messages.HEADER_NAME_EMPTY)
            if header.value == "":
                problems.error((*here, "value"), messages.HEADER_INVALID)
            problems.error(*_unsendable_header(header, here))


def _unsendable_header(header: HTTPHeader, path: JsonPath) -> tuple[JsonPath, str | None]:
    """A header Go's net/http refuses at every attempt (upstream then retries forever):
    a name that is not an RFC 7230 token, a value with a control character. The message
    names the header, never its value (often a secret)."""
    if not header.name:
        return path, None  # upstream's own rule says so
    if problem := header_problem(header.name, ""):
        return (*path, "name"), problem
    return (*path, "value"), header_problem(header.name, header.value or "")


def _check_verification(
    resource: Resource, path: JsonPath, problems: Problems, *, reference: bool = False
) -> None:
    verification = resource.verification
    if verification is None or verification.hash is None:
        return
    here = (*path, "verification", "hash")
    # 3.0's ConfigReference and CaReference do not check that a hashed source is given.
    if resource.source is None and (problems.since(V3_1) or not reference):
        problems.error(here, messages.VERIFICATION_WITHOUT_SOURCE)
    problems.error(here, hash_problem(verification, problems))


def hash_problem(verification: Verification, problems: Problems) -> str | None:
    function, dash, digest = (verification.hash or "").partition("-")
    if not dash:
        return messages.HASH_MALFORMED
    allowed = ("sha512", "sha256") if problems.since(V3_1) else ("sha512",)
    if function not in allowed:
        return messages.HASH_UNRECOGNIZED
    if len(digest) != _HASH_HEX_LENGTHS[function]:
        return messages.HASH_WRONG_SIZE
    return None


def _header_scheme_problem(source: str | None) -> str | None:
    if not source:
        return messages.INVALID_URL
    scheme, problem = parse_problem(source)
    if problem is not None:
        return messages.INVALID_URL
    if scheme not in ("http", "https"):
        return messages.HEADERS_WITH_SCHEME
    return None


def check_proxy(proxy: Proxy, path: JsonPath, problems: Problems) -> None:
    for key, value, plain_http_ok in (
        ("httpProxy", proxy.http_proxy, True),
        ("httpsProxy", proxy.https_proxy, False),
    ):
        if value is None:
            continue
        scheme, problem = parse_problem(value)
        if problem is not None:
            problems.error((*path, key), problem)
        elif scheme not in ("http", "https"):
            problems.error((*path, key), messages.PROXY_NOT_HTTP)
        elif scheme == "http" and not plain_http_ok:
            problems.warning((*path, key), messages.PROXY_INSECURE)
