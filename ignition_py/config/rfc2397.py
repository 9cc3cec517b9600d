"""RFC 2397 data URLs exactly as upstream reads them: a port of the lexer and parser of
github.com/vincent-petithory/dataurl v1.0.0 (what Ignition v2.26.0 validates and decodes
`data:` URLs with), including its error messages.

Only the syntax is checked here, without decoding: `parse` says whether the payload is
base64 and where it starts, or raises `DataURLSyntaxError` with the message upstream gives.
"""

from __future__ import annotations

import re

from ..errors import IgnitionError
from ..frozen import frozen_model

PREFIX = "data:"
_TSPECIALS = frozenset('()<>@,;:\\"/[]?=')
# A raw character outside these ends the URL's data for the dataurl lexer.
_NOT_URL_CHAR = re.compile(r"[^\x21\x24-\x3b\x3d\x3f-\x5a\x5f\x61-\x7a\x7e]")
_NOT_BASE64_CHAR = re.compile(r"[^A-Za-z0-9+/=\n]")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_QUOTED_ESCAPE = re.compile(
    r"\\(?:[abfnrtv\\\"]|x[0-9A-Fa-f]{2}|[0-7]{3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"
)
_HEX = frozenset("0123456789abcdefABCDEF")
_DISCRETE = ("text", "image", "audio", "video", "application", "message", "multipart")


class DataURLSyntaxError(IgnitionError):
    """A data URL that upstream's dataurl package rejects; the message is upstream's."""


@frozen_model
class DataURL:
    is_base64: bool
    data_start: int  # index in the URL of the first character after the comma


def _is_token(char: str) -> bool:
    return "\x20" < char < "\x7f" and char not in _TSPECIALS


class _Lexer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.pos = len(PREFIX)

    def next(self) -> str:
        if self.pos >= len(self.url):
            return ""
        self.pos += 1
        return self.url[self.pos - 1]


def parse(url: str) -> DataURL:
    """The shape of `url`; raises DataURLSyntaxError as dataurl.DecodeString would."""
    if not url.startswith(PREFIX):
        raise DataURLSyntaxError("missing data prefix")
    lexer = _Lexer(url)
    is_base64 = _header(lexer)
    _check_data(url, lexer.pos, is_base64)
    return DataURL(is_base64, lexer.pos)


def problem(url: str) -> str | None:
    """Upstream's message for a data URL it rejects, None for one it accepts."""
    try:
        parse(url)
    except DataURLSyntaxError as err:
        return str(err)
    return None


def _header(lexer: _Lexer) -> bool:
    """Reads up to and including the data comma; True for a base64 payload."""
    char = lexer.next()
    if char == "":
        raise DataURLSyntaxError("missing comma before data")
    if char not in ";,":
        _media_type(lexer, char)
        char = lexer.next()  # ';' or ','
    while char == ";":
        char = lexer.next()
        if char in ("", "=", ","):
            raise DataURLSyntaxError("unterminated parameter sequence")
        if not _is_token(char):
            raise DataURLSyntaxError("invalid character for parameter attribute")
        start = lexer.pos - 1
        while True:
            char = lexer.next()
            if char == "=":
                break
            if char == ",":
                if lexer.url[start : lexer.pos - 1] != "base64":
                    raise DataURLSyntaxError(
                        f"expected base64, got {lexer.url[start : lexer.pos - 1]}"
                    )
                return True
            if char == "":
                raise DataURLSyntaxError("unterminated parameter sequence")
            if not _is_token(char):
                raise DataURLSyntaxError("invalid character for parameter attribute")
        char = _parameter_value(lexer)
    return False


def _media_type(lexer: _Lexer, first: str) -> None:
    start = lexer.pos - 1
    if first in "xX":
        second = lexer.next()
        checked = second != "-"
    elif _is_token(first):
        checked = True
    else:
        raise DataURLSyntaxError("invalid character after data prefix")
    while True:
        char = lexer.next()
        if char == "/":
            if checked and not lexer.url[start : lexer.pos - 1].startswith(_DISCRETE):
                raise DataURLSyntaxError("invalid media type")
            break
        if char == "":
            raise DataURLSyntaxError("missing media type slash")
        if not _is_token(char):
            raise DataURLSyntaxError("invalid character for media type")
    while True:
        char = lexer.next()
        if char in (";", ","):
            lexer.pos -= 1
            return
        if char == "":
            raise DataURLSyntaxError("incomplete media type")
        if not _is_token(char):
            raise DataURLSyntaxError("invalid character for media subtype")


def _parameter_value(lexer: _Lexer) -> str:
    """Reads a value after '='; returns the ';' or ',' after it."""
    char = lexer.next()
    if char == '"':
        start = lexer.pos
        while True:
            char = lexer.next()
            if char == "":
                raise DataURLSyntaxError("unclosed quoted string")
            if char == "\\":
                escaped = lexer.next()
                if escaped > "\x7f":
                    raise DataURLSyntaxError("invalid escaped character")
                continue
            if char == '"':
                break
            if char > "\x7f":
                raise DataURLSyntaxError("invalid character for parameter value")
        _unquote(lexer.url[start : lexer.pos - 1])
        char = lexer.next()
    elif char == "":
        raise DataURLSyntaxError("missing comma before data")
    elif _is_token(char):
        start = lexer.pos - 1
        while True:
            char = lexer.next()
            if char in (";", ","):
                break
            if char == "":
                raise DataURLSyntaxError("missing comma before data")
            if not _is_token(char):
                raise DataURLSyntaxError("invalid character for parameter value")
        _unescape_problem(lexer.url[start : lexer.pos - 1])
    else:
        raise DataURLSyntaxError("invalid character for parameter value")
    if char == "":
        raise DataURLSyntaxError("missing comma before data")
    if char not in ";,":
        raise DataURLSyntaxError("expected semicolon or comma")
    return char


def _unquote(body: str) -> None:
    """Go's strconv.Unquote of a double-quoted string: fails with 'invalid syntax'."""
    i = 0
    while i < len(body):
        if body[i] == "\n":
            raise DataURLSyntaxError("invalid syntax")
        if body[i] != "\\":
            i += 1
            continue
        match = _QUOTED_ESCAPE.match(body, i)
        if match is None:
            raise DataURLSyntaxError("invalid syntax")
        escape = match.group()
        if escape[1] in "01234567" and int(escape[1:], 8) > 0xFF:
            raise DataURLSyntaxError("invalid syntax")
        if escape[1] in "uU":
            code = int(escape[2:], 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise DataURLSyntaxError("invalid syntax")
        i = match.end()


def _unescape_problem(text: str, start: int = 0) -> None:
    """dataurl.Unescape's errors for the %-escaped text[start:]."""
    bad = _BAD_ESCAPE.search(text, start)
    if bad is None:
        return
    after = text[bad.start() + 1 : bad.start() + 3]
    for i in range(2):
        if i == len(after):
            raise DataURLSyntaxError("rfc2396: unexpected end of unescape sequence")
        if after[i] not in _HEX:
            break
    # upstream formats the '%' itself into the message, whatever the bad character
    raise DataURLSyntaxError("rfc2396: invalid char 0x25 in unescape sequence")


def _check_data(url: str, start: int, is_base64: bool) -> None:
    if is_base64:
        if _NOT_BASE64_CHAR.search(url, start):
            raise DataURLSyntaxError("invalid data character")
        offset = base64_error_offset(url, start)
        if offset is not None:
            raise DataURLSyntaxError(f"illegal base64 data at input byte {offset}")
        return
    if _NOT_URL_CHAR.search(url, start):
        raise DataURLSyntaxError("invalid data character")
    _unescape_problem(url, start)


def base64_error_offset(url: str, start: int) -> int | None:
    """Where Go's base64.StdEncoding rejects url[start:] (made of [A-Za-z0-9+/=\\n]).

    None when it decodes. Valid means: without its newlines, whole quanta with only
    the last one padded; the common valid case is answered without a Python loop.
    """
    first_pad = url.find("=", start)
    total = len(url) - start - url.count("\n", start)
    if first_pad == -1:
        if total % 4 == 0:
            return None
    else:
        tail = url[first_pad:].replace("\n", "")
        before = total - len(tail)
        if (tail == "==" and before % 4 == 2) or (tail == "=" and before % 4 == 3):
            return None
    return _go_base64_offset(url[start:])


def _go_base64_offset(src: str) -> int | None:
    """A port of the error paths of Go's base64 decodeQuantum loop (padding, no strict)."""
    si = 0
    while True:
        j = 0
        while j < 4:
            if si == len(src):
                return None if j == 0 else si - j
            char = src[si]
            si += 1
            if char == "\n":
                continue
            if char != "=":
                j += 1
                continue
            if j in (0, 1):
                return si - 1
            if j == 2:
                while si < len(src) and src[si] == "\n":
                    si += 1
                if si == len(src):
                    return len(src)
                if src[si] != "=":
                    return si - 1
                si += 1
            while si < len(src) and src[si] == "\n":
                si += 1
            return si if si < len(src) else None
