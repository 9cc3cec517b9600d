"""yaml.v3's reader checks on a Butane text before PyYAML sees it: the input's UTF-8."""

from __future__ import annotations

import re

# bytes that were not UTF-8, as decoding with "surrogateescape" kept them
_ESCAPED = re.compile("[\udc80-\udcff]")


def utf8_problem(text: str) -> str | None:
    """yaml.v3's words for the first byte sequence of `text` (decoded with
    "surrogateescape") that is not UTF-8, None when it is all UTF-8."""
    if not _ESCAPED.search(text):
        return None
    raw = text.encode("utf-8", "surrogateescape")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return _go_reader_problem(raw, err.start)
    return None


def _go_reader_problem(raw: bytes, at: int) -> str:
    """yaml.v3's yaml_parser_update_buffer words for the sequence starting at `at`."""
    lead = raw[at]
    if lead & 0xE0 == 0xC0:
        width = 2
    elif lead & 0xF0 == 0xE0:
        width = 3
    elif lead & 0xF8 == 0xF0:
        width = 4
    else:
        return "invalid leading UTF-8 octet"
    if at + width > len(raw):
        return "incomplete UTF-8 octet sequence"
    value = lead & 0xFF >> (width + 1)
    for byte in raw[at + 1 : at + width]:
        if byte & 0xC0 != 0x80:
            return "invalid trailing UTF-8 octet"
        value = value << 6 | byte & 0x3F
    if value < (0, 0, 0x80, 0x800, 0x10000)[width]:
        return "invalid length of a UTF-8 sequence"
    return "invalid Unicode character"
