"""Go decodes an escaped UTF-16 surrogate that is not half of a pair (`"\\ud800"`) as
U+FFFD; Python's json keeps the lone surrogate, which no encoder accepts (a log line or a
file name carrying it would fail). Strings and keys get Go's reading here."""

from __future__ import annotations

import re

# A \uD800-\uDFFF escape: the only way a lone surrogate gets into decoded JSON.
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def as_go_reads(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD, as Go's decoder writes it."""
    return _LONE_SURROGATE.sub("\ufffd", text)
