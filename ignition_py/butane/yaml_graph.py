"""PyYAML's composed nodes as our Nodes, without recursion and without expanding aliases.

An anchored node is converted once; every alias shares it, so nested aliases ("billion
laughs") cost what their text costs, and an anchor that refers to itself becomes a cyclic
graph instead of an endless recursion. Merge keys and `!!binary` are applied here, as
yaml.v3 applies them when it decodes.
"""

from __future__ import annotations

import base64
import binascii

import yaml

from ..typecheck import TYPE_CHECKING
from .yaml_tree import (
    BINARY,
    FLOAT,
    INT,
    MAP,
    PLAIN_TAG,
    SEQ,
    STR,
    TAG_KINDS,
    TIMESTAMP,
    Composer,
    MergedKey,
    Node,
    YamlError,
    resolve_plain,
    shown_kind,
)

if TYPE_CHECKING:
    from typing import Any

_BINARY_TAG = "tag:yaml.org,2002:binary"
_YAML_ORG = "tag:yaml.org,2002:"
_MERGE_TAGS = frozenset({"tag:yaml.org,2002:merge", "!"})
_WANT_MAP = "map merge requires map or sequence of maps as the value"


def compose(text: str) -> Node | None:
    """The first document of `text` as nodes; None for an empty document.

    An anchored node is converted once and shared by its aliases (a self-referring anchor
    makes a cyclic graph: walk it by following a schema, never blindly). Merge keys
    (`<<`) are applied and `!!binary` scalars decoded, as yaml.v3 does.
    Raises YamlError for text that is not YAML (PyYAML's words and place, or yaml.v3's
    for the input's UTF-8)."""
    from .yaml_checks import utf8_problem

    problem = utf8_problem(text)
    if problem is not None:
        raise YamlError(problem, None, None)  # yaml.v3 gives no line
    try:
        loader = Composer(text)
        try:
            # yaml.v3 reads the first document only
            root = loader.get_node() if loader.check_node() else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as err:
        # yaml.v3's report: the problem alone, on the line of the context mark when
        # there is one (0-based for parser errors, 1-based for scanner errors).
        scanner = isinstance(err, yaml.scanner.ScannerError)
        line = column = None
        for mark in (err.context_mark, err.problem_mark):
            if mark is not None and mark.line:
                line, column = mark.line + (1 if scanner else 0), mark.column + 1
                break
        raise YamlError(err.problem or str(err), line, column) from None
    except yaml.YAMLError as err:
        raise YamlError(str(err), None, None) from None
    except RecursionError:  # PyYAML's own composer (no libyaml) recurses per level
        raise YamlError("exceeded maximum nesting depth", None, None) from None
    if root is None:
        return None
    return convert(root)


def convert(root: Any) -> Node:
    """The PyYAML node graph `root` as Nodes (shared where the YAML shares)."""
    made: dict[int, Node] = {}
    todo: list[tuple[Any, Node]] = []
    merges: list[tuple[Node, Node]] = []
    merge_keys: set[int] = set()

    def node_for(source: Any) -> Node:
        found = made.get(id(source))
        if found is None:
            found = made[id(source)] = _shell(source)
            if found.kind in (MAP, SEQ):
                todo.append((source, found))
        return found

    top = node_for(root)
    while todo:
        source, node = todo.pop()
        if node.kind == SEQ:
            node.value = [node_for(item) for item in source.value]
            continue
        pairs: list[tuple[str, Node, Node]] = []
        merge: Node | None = None
        for key_source, value_source in source.value:
            key, value = node_for(key_source), node_for(value_source)
            pairs.append((key.text if key.kind not in (MAP, SEQ) else "", key, value))
            if _is_merge(key_source):
                merge_keys.add(id(key))
                merge = value  # yaml.v3 keeps the last one
        node.value = pairs
        if merge is not None:
            merges.append((node, merge))
    _apply_merges(merges, merge_keys)
    return top


def _shell(source: Any) -> Node:
    line, column = source.start_mark.line + 1, source.start_mark.column + 1
    if isinstance(source, yaml.MappingNode):
        return Node(MAP, [], "", line, column)
    if isinstance(source, yaml.SequenceNode):
        return Node(SEQ, [], "", line, column)
    text = str(source.value)
    try:
        if source.tag == PLAIN_TAG:
            kind, value = resolve_plain(text)
        elif source.tag == _BINARY_TAG:
            kind, value = BINARY, _binary(text)
        else:
            kind, value = _tagged(source.tag, text)
    except YamlError as err:  # yaml.v3 names no place; the scalar's is known here
        raise YamlError(err.message, line, column) from None
    return Node(kind, value, text, line, column)


def _tagged(tag: str, text: str) -> tuple[str, Any]:
    """yaml.v3's resolve() of an explicitly tagged scalar: its text must read as the tag's
    kind (an int may stand for a float), else "cannot decode !!str `abc` as a !!int"."""
    kind = TAG_KINDS.get(tag)
    if kind is None:
        short = tag.replace(_YAML_ORG, "!!", 1) if tag.startswith(_YAML_ORG) else tag
        return short, text
    if kind == STR:
        return STR, text
    found, value = resolve_plain(text)
    if found == TIMESTAMP and kind != TIMESTAMP:
        found = STR  # yaml.v3 tries the timestamp layouts only untagged or so tagged
    if kind == FLOAT and found == INT:
        return FLOAT, float(value)
    if found != kind:
        message = f"cannot decode {shown_kind(found)} `{text}` as a {shown_kind(kind)}"
        raise YamlError(message, None, None)
    return kind, value


def _binary(text: str) -> str:
    # Go's base64.StdEncoding skips line breaks and wants the padding
    try:
        data = base64.b64decode(text.replace("\n", "").replace("\r", ""), validate=True)
    except (binascii.Error, ValueError):
        raise YamlError("!!binary value contains invalid base64 data", None, None) from None
    return data.decode("utf-8", "surrogateescape")


def _is_merge(source: Any) -> bool:
    if not isinstance(source, yaml.ScalarNode) or source.value != "<<":
        return False
    return source.tag == PLAIN_TAG or source.tag in _MERGE_TAGS


def _apply_merges(merges: list[tuple[Node, Node]], merge_keys: set[int]) -> None:
    """Adds each merged mapping's pairs that the mapping does not set itself, sources' own
    merges first."""
    pending = {id(target): (target, merge) for target, merge in merges}
    done: set[int] = set()
    for target, _ in merges:
        stack, active = [target], set[int]()
        while stack:
            node = stack[-1]
            if id(node) in done:
                stack.pop()
                continue
            sources = _merge_sources(pending[id(node)][1])
            waiting = [s for s in sources if id(s) in pending and id(s) not in done]
            if id(node) not in active:
                active.add(id(node))
                if any(id(s) in active for s in waiting):
                    raise YamlError("anchor value contains itself", None, None)
                stack.extend(waiting)
                continue
            _merge_into(node, sources, merge_keys)
            done.add(id(node))
            active.discard(id(node))
            stack.pop()


def _merge_sources(merge: Node) -> list[Node]:
    if merge.kind == MAP:
        return [merge]
    if merge.kind == SEQ and all(item.kind == MAP for item in merge.value):
        return list(merge.value)
    raise YamlError(_WANT_MAP, None, None)


def _merge_into(target: Node, sources: list[Node], merge_keys: set[int]) -> None:
    own = {key for key, key_node, _ in target.value if id(key_node) not in merge_keys}
    merged: dict[str, tuple[Node, Node]] = {}
    # yaml.v3 sets a field once: the first merged mapping that has it wins (a mapping's
    # own keys before the ones it merged itself, which come last in its pairs)
    for source in sources:
        for key, key_node, value in source.value:
            if id(key_node) not in merge_keys:
                merged.setdefault(key, (key_node, value))
    for key, (key_node, value) in merged.items():
        if key not in own:
            copy = MergedKey(
                key_node.kind, key_node.value, key_node.text, key_node.line, key_node.column
            )
            target.value.append((key, copy, value))


def plain(root: Node, built: dict[int, Any] | None = None) -> Any:
    """`root` as plain Python data, built once per shared node; where a node is inside
    itself the inner reference reads as None (yaml.v3 would refuse to decode it).
    `built`, when given, is filled with id(node) -> its plain data for every node."""
    built = {} if built is None else built
    active: set[int] = set()
    stack = [root]
    while stack:
        node = stack[-1]
        if id(node) in built:
            stack.pop()
            continue
        if node.kind == MAP:
            children = [child for _, _, child in node.value]
        elif node.kind == SEQ:
            children = list(node.value)
        else:
            built[id(node)] = node.value
            stack.pop()
            continue
        if id(node) not in active:
            active.add(id(node))
            stack.extend(c for c in children if id(c) not in built and id(c) not in active)
            continue
        active.discard(id(node))
        if node.kind == MAP:
            built[id(node)] = {key: built.get(id(child)) for key, _, child in node.value}
        else:
            built[id(node)] = [built.get(id(child)) for child in node.value]
        stack.pop()
    return built[id(root)]
