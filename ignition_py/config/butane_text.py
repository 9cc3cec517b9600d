"""Is a config text Butane YAML? Cheap enough for every config read (no YAML import, no
copy of the text); the translation itself is ignition_py.butane's."""

from __future__ import annotations

import re

_LEADING_SPACE = re.compile(r"\ufeff?\s*")  # yaml.v3 skips a byte order mark
_LEADING_SPACE_BYTES = re.compile(rb"(?:\xef\xbb\xbf)?\s*")
# the key plain or quoted, as yaml.v3 reads all three alike
_KEY = r"(?:variant|\"variant\"|'variant')[ \t]*:"
# patterns compiled (and cached by re) at their first use: a JSON config never needs them
_TOP_LEVEL_VARIANT = r"(?m)^\ufeff?" + _KEY
_TOP_LEVEL_VARIANT_BYTES = rb"(?m)^(?:\xef\xbb\xbf)?" + _KEY.encode()
_ANY_VARIANT = r"(?m)^\ufeff?\s*" + _KEY


def looks_like_butane(raw: bytes | str) -> bool:
    """True when the text is not JSON (its first non-space character is not `{` or `[`)
        and a line starts with a top-level `variant:` key (plain or quoted), as every Butane
    config has."""
    if isinstance(raw, bytes):
        start = _LEADING_SPACE_BYTES.match(raw)
        first = raw[start.end() : start.end() + 1] if start else b""
        return first not in (b"", b"{", b"[") and bool(re.search(_TOP_LEVEL_VARIANT_BYTES, raw))
    start_text = _LEADING_SPACE.match(raw)
    first_text = raw[start_text.end() : start_text.end() + 1] if start_text else ""
    return first_text not in ("", "{", "[") and bool(re.search(_TOP_LEVEL_VARIANT, raw))


def has_variant_key(text: str) -> bool:
    """True when a line of `text` holds a `variant:` key at any indentation: a Butane config
    whose `variant:` is not top-level (the JSON reader's hint when looks_like_butane is not)."""
    return bool(re.search(_ANY_VARIANT, text))
