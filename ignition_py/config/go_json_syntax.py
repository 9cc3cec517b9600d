"""The syntax error Go's encoding/json scanner reports for text that is not JSON: a port
of the error paths of its state machine (scanner.go), so that a broken config gets
upstream's words ("invalid character '}' after object key", "unexpected end of JSON
input") and the index of the byte it stopped at.
"""

from __future__ import annotations

from collections.abc import Callable

END_OF_INPUT = "unexpected end of JSON input"
MAX_NESTING_DEPTH = 10000  # encoding/json's maxNestingDepth
_SPACE = " \t\r\n"
_HEX = frozenset("0123456789abcdefABCDEF")
_SPACE_IS_WRONG = (
    "in literal",
    "in numeric literal",
    "after decimal point",
    "in exponent",
    "in string escape code",
    "in \\u hexadecimal",
)


def _quote_char(char: str) -> str:
    """Go's quoteChar: the character as a Go quoted string, in single quotes."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    escapes = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", "\a": "\\a", "\b": "\\b"}
    escapes.update({"\f": "\\f", "\v": "\\v"})
    if char in escapes:
        return f"'{escapes[char]}'"
    if ord(char) < 0x20 or ord(char) == 0x7F:
        return f"'\\x{ord(char):02x}'"
    if 0x80 <= ord(char) < 0xA0:
        return f"'\\u{ord(char):04x}'"
    return f"'{char}'"


class _Syntax(Exception):
    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


class _Scanner:
    """Walks the text as Go's scanner does; raises _Syntax at the first error."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.depth = 0

    def enter(self) -> None:
        """Go's pushParseState: nesting deeper than its maxNestingDepth is an error."""
        self.depth += 1
        if self.depth > MAX_NESTING_DEPTH:
            raise self.fail("exceeded max depth")
        self.i += 1

    def fail(self, context: str) -> _Syntax:
        if self.i < len(self.text):
            return _Syntax(self.i, f"invalid character {_quote_char(self.text[self.i])} {context}")
        # At the end Go feeds the scanner one space: where a space is wrong too (inside a
        # literal, number or escape) the error names it.
        if context.startswith(_SPACE_IS_WRONG):
            return _Syntax(len(self.text), f"invalid character ' ' {context}")
        return _Syntax(len(self.text), END_OF_INPUT)

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def skip_space(self) -> None:
        while self.i < len(self.text) and self.text[self.i] in _SPACE:
            self.i += 1

    def document(self) -> None:
        self.value()
        self.skip_space()
        if self.i < len(self.text):
            raise self.fail("after top-level value")

    def value(self) -> None:
        self.skip_space()
        char = self.peek()
        starts: dict[str, Callable[[], None]] = {
            "{": self.object,
            "[": self.array,
            '"': self.string,
        }
        if char in starts:
            starts[char]()
        elif char == "-" or (char.isdigit() and char.isascii()):
            self.number()
        elif char in ("t", "f", "n"):
            self.literal({"t": "true", "f": "false", "n": "null"}[char])
        else:
            raise self.fail("looking for beginning of value")

    def object(self) -> None:
        self.enter()
        self.skip_space()
        if self.peek() == "}":
            self.i += 1
            self.depth -= 1
            return
        while True:
            self.skip_space()
            if self.peek() != '"':
                raise self.fail("looking for beginning of object key string")
            self.string()
            self.skip_space()
            if self.peek() != ":":
                raise self.fail("after object key")
            self.i += 1
            self.value()
            self.skip_space()
            char = self.peek()
            if char == "}":
                self.i += 1
                self.depth -= 1
                return
            if char != ",":
                raise self.fail("after object key:value pair")
            self.i += 1

    def array(self) -> None:
        self.enter()
        self.skip_space()
        if self.peek() == "]":
            self.i += 1
            self.depth -= 1
            return
        while True:
            self.value()
            self.skip_space()
            char = self.peek()
            if char == "]":
                self.i += 1
                self.depth -= 1
                return
            if char != ",":
                raise self.fail("after array element")
            self.i += 1

    def string(self) -> None:
        self.i += 1
        while True:
            char = self.peek()
            if char == "":
                raise self.fail("in string literal")
            if char == '"':
                self.i += 1
                return
            if char == "\\":
                self.i += 1
                escaped = self.peek()
                if escaped == "u":
                    for _ in range(4):
                        self.i += 1
                        if self.peek() not in _HEX or self.peek() == "":
                            raise self.fail("in \\u hexadecimal character escape")
                elif escaped == "" or escaped not in 'bfnrt\\/"':
                    raise self.fail("in string escape code")
            elif char < " ":
                raise self.fail("in string literal")
            self.i += 1

    def digits(self) -> int:
        start = self.i
        while self.peek().isascii() and self.peek().isdigit():
            self.i += 1
        return self.i - start

    def number(self) -> None:
        if self.peek() == "-":
            self.i += 1
            if not (self.peek().isascii() and self.peek().isdigit()):
                raise self.fail("in numeric literal")
        if self.peek() == "0":
            self.i += 1
        else:
            self.digits()
        if self.peek() == ".":
            self.i += 1
            if not self.digits():
                raise self.fail("after decimal point in numeric literal")
        if self.peek() in ("e", "E"):
            self.i += 1
            if self.peek() in ("+", "-"):
                self.i += 1
            if not self.digits():
                raise self.fail("in exponent of numeric literal")

    def literal(self, word: str) -> None:
        for expected in word[1:]:
            self.i += 1
            if self.peek() != expected:
                raise self.fail(f"in literal {word} (expecting {_quote_char(expected)})")
        self.i += 1


def syntax_error(text: str) -> tuple[int, str] | None:
    """(index of the offending character, Go's message), or None for valid JSON."""
    try:
        _Scanner(text).document()
    except _Syntax as err:
        return err.index, err.message
    return None
