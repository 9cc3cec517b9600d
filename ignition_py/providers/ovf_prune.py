"""Removing properties from an OVF environment document (upstream's
vmware.DeleteOvfProperties): each `Property` directly in `/Environment/PropertySection`,
all three in the OVF environment namespace, whose namespaced `key` attribute is one of
the names, is cut out of the text. Everything else keeps its bytes (upstream re-serialises
the document with etree; here the rest is left exactly as it was)."""

from __future__ import annotations

from collections.abc import Collection
from xml.parsers import expat

from ..errors import ConfigError

XMLNS = "http://schemas.dmtf.org/ovf/environment/1"
_SEP = " "


def _named(tag: str, local: str) -> bool:
    return tag == f"{XMLNS}{_SEP}{local}"


def _key_of(attributes: dict[str, str]) -> str | None:
    """The first attribute in the namespace named `key`; an unprefixed attribute belongs
    to its (namespaced) element's namespace, as etree sees it."""
    for name, value in attributes.items():
        in_namespace = name.startswith(XMLNS + _SEP) or _SEP not in name
        if in_namespace and name.rpartition(_SEP)[2] == "key":
            return value
    return None


def _tag_end(document: bytes, begin: int) -> int:
    """The offset just past the start tag that begins at `begin`."""
    quote = 0
    for offset in range(begin, len(document)):
        char = document[offset]
        if quote:
            quote = 0 if char == quote else quote
        elif char in b"\"'":
            quote = char
        elif char == ord(">"):
            return offset + 1
    return len(document)


def delete_ovf_properties(document: bytes, keys: Collection[str]) -> tuple[bytes, bool]:
    """(the document without those properties, whether any was removed); the input
    itself when nothing matched.

    Raises ConfigError when the document is not XML."""
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.ordered_attributes = False
    path: list[str] = []
    cuts: list[tuple[int, int]] = []
    starts: list[int] = []
    attributes_at: dict[int, dict[str, str]] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        starts.append(parser.CurrentByteIndex)
        attributes_at[parser.CurrentByteIndex] = attributes
        path.append(tag)

    def end(tag: str) -> None:
        begin = starts.pop()
        inside = path[:-1]
        path.pop()
        if not (
            len(inside) == 2
            and _named(inside[0], "Environment")
            and _named(inside[1], "PropertySection")
            and tag.startswith(XMLNS + _SEP)
        ):
            return
        opened = _tag_end(document, begin)
        if document[opened - 2 : opened] == b"/>":
            cuts.append((begin, opened))
        else:  # expat's position is then the start of the end tag
            cuts.append((begin, document.index(b">", parser.CurrentByteIndex) + 1))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(document, True)
    except expat.ExpatError as err:
        raise ConfigError(f"parsing OVF environment: {err}") from err
    removed = [(begin, finish) for begin, finish in cuts if _key_of(attributes_at[begin]) in keys]
    if not removed:
        return document, False
    pieces: list[bytes] = []
    position = 0
    for begin, finish in removed:
        pieces.append(document[position:begin])
        position = finish
    pieces.append(document[position:])
    return b"".join(pieces), True
