"""Go's formatting of values in messages, for texts that must read as upstream's."""

from __future__ import annotations


def go_quote(text: str) -> str:
    """Go's %q of a string: in double quotes, with backslash, quote, newline, tab and
    carriage return escaped (the escapes a device path, label or unit name can need)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return f'"{escaped}"'
