"""Line and column of JSON paths in the user's text, computed only when a report needs them.

One pass over the tokens (a C regex does the scanning) records where every value and
every object key starts. Keys are matched case-insensitively and the last duplicate wins,
as upstream's decoder does. Columns count bytes, 1-based, as upstream's do.
"""

from __future__ import annotations

import bisect
import re

from ..frozen import replace
from .report import Entry, JsonPath, PathPart
from .surrogates import as_go_reads

# a pattern, compiled (and cached by re) at its first use: most runs never need it
_TOKEN = r'(?s)"(?:[^"\\]|\\.)*"|[{}\[\]:,]|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null'

# No report names a path deeper than the spec's objects and one unknown key beneath them;
# not recording deeper values keeps the index linear in a text nested 10000 levels deep.
_DEEPEST_RECORDED = 32
_Positions = dict[tuple[PathPart, ...], tuple[int, int]]  # path -> (value offset, key offset)


class PositionIndex:
    def __init__(self, text: str) -> None:
        self._text = text
        self._positions: _Positions | None = None
        self._line_starts: list[int] | None = None

    def locate(self, path: JsonPath, *, at_key: bool = False) -> tuple[int, int] | None:
        """(line, column) of the value at `path` (or of its key), if the text has it."""
        if self._positions is None:
            self._positions = _index(self._text)
        folded = tuple(p.casefold() if isinstance(p, str) else p for p in path)
        found = self._positions.get(folded)
        if found is None:
            # A missing field is reported where its nearest enclosing value is, as upstream does.
            while found is None and folded:
                folded = folded[:-1]
                found = self._positions.get(folded)
            if found is None:
                return None
            at_key = False
        value_offset, key_offset = found
        if at_key:
            return self.line_col(key_offset)
        # Upstream points inside an object or array: just after its bracket.
        inside = 1 if self._text[value_offset] in "{[" else 0
        return self.line_col(value_offset + inside)

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_right(self._line_starts, offset)
        start = self._line_starts[line - 1]
        return line, len(self._text[start:offset].encode("utf-8", "surrogatepass")) + 1

    def place(self, entry: Entry) -> Entry:
        if entry.path is None or entry.line is not None:
            return entry
        found = self.locate(entry.path, at_key=entry.at_key)
        if found is None:
            return entry
        return replace(entry, line=found[0], column=found[1])


def _index(text: str) -> _Positions:
    positions: _Positions = {}
    # Each frame: [path of the container, is_object, next array index, pending key]
    stack: list[list[object]] = []
    pending_key: tuple[str, int] | None = None
    for match in re.finditer(_TOKEN, text):
        token = match.group()
        start = match.start()
        first = token[0]
        if first in ",:":
            continue
        if first in "}]":
            if stack:
                stack.pop()
            continue
        if stack and stack[-1][1] and pending_key is None and first == '"':
            pending_key = (_decode_key(token), start)
            continue
        # A value starts here: work out its path.
        key_offset = start
        if stack:
            frame = stack[-1]
            parent: tuple[PathPart, ...] = frame[0]  # type: ignore[assignment]
            if frame[1]:
                assert pending_key is not None
                child: PathPart = pending_key[0]
                key_offset = pending_key[1]
                pending_key = None
            else:
                index = frame[2]
                assert isinstance(index, int)
                child = index
                frame[2] = index + 1
            here = (*parent, child)
        else:
            here = ()
        if len(here) <= _DEEPEST_RECORDED:
            positions[here] = (start, key_offset)
        if first in "{[":
            stack.append([here, first == "{", 0, None])
    return positions


def _decode_key(token: str) -> str:
    if "\\" in token:
        import json

        try:
            return as_go_reads(str(json.loads(token))).casefold()
        except ValueError:
            pass
    return token[1:-1].casefold()
