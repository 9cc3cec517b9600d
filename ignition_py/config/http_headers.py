"""Whether an HTTP header can be sent at all, by the rules Go's net/http applies
(httpguts.ValidHeaderFieldName / ValidHeaderFieldValue): a name is a non-empty RFC 7230
token; a value holds no control character but horizontal tab. Such a header fails every
attempt the same way, so it is a permanent error; and since header values are often
secrets, what is said about it names the header, never its value."""

from __future__ import annotations

import re
from collections.abc import Mapping

# a pattern, compiled (and cached by re) at its first use: most runs never need it
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_CONTROL = r"[\x00-\x08\x0a-\x1f\x7f]"


def header_problem(name: str, value: str) -> str | None:
    """Why the header ``name: value`` cannot be sent, or None. Never quotes ``value``."""
    if not re.fullmatch(_TOKEN, name):
        return f"invalid HTTP header name {name!r}"
    if re.search(_CONTROL, value):
        return f"the value of HTTP header {name!r} holds a control character (CR, LF, NUL, ...)"
    return None


def first_header_problem(headers: Mapping[str, str]) -> str | None:
    """The first header of ``headers`` that cannot be sent, as header_problem says it."""
    for name, value in headers.items():
        if problem := header_problem(name, value):
            return problem
    return None
