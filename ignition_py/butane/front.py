"""Butane text -> Ignition JSON tree, with every problem placed on the YAML.

Butane v0.29.0's TranslateBytes: read `variant` and `version`, pick the translator,
decode the YAML (type errors are fatal), report unused keys and Butane's own checks,
translate (variant sugar, base translation, mount units, trees), apply the variant's
field filters. Ignition's own checks of the result are the caller's (parse_config runs
them on the tree) and are placed on the YAML through `place`.
"""

from __future__ import annotations

from ..config.report import Entry, JsonPath, Severity
from ..frozen import replace
from ..typecheck import TYPE_CHECKING
from .problems import Problem, Problems, YamlPath
from .yaml_graph import compose, plain
from .yaml_tree import BINARY, MAP, NULL, SEQ, STR, MergedKey, Node, YamlError, shown_kind

if TYPE_CHECKING:
    from typing import Any


class Translated:
    """A translation's result: the Ignition tree (None when it failed), the report
    entries (on YAML paths and positions) and the JSON -> YAML path map."""

    __slots__ = ("entries", "root", "sources", "tree")

    def __init__(self) -> None:
        self.tree: dict[str, Any] | None = None
        self.entries: list[Entry] = []
        self.sources: dict[JsonPath, YamlPath] = {}
        self.root: Node | None = None

    def place(self, entry: Entry) -> Entry:
        """An entry about the translated config, moved to the YAML path and position its
        JSON path was translated from (the nearest translated ancestor's)."""
        if entry.path is None:
            return entry
        yaml_path = self.sources.get(entry.path)
        if yaml_path is None:
            # Butane's fallback: the JSON path in snake_case, placed where the YAML
            # has its nearest part.
            from .walk import camel_to_snake

            yaml_path = tuple(camel_to_snake(p) if isinstance(p, str) else p for p in entry.path)
        return _placed(self.root, Problem(entry.severity.value, yaml_path, entry.message), entry)


def translate_butane(text: str, files_dir: str | None = None) -> Translated:
    """Translate one Butane config; never raises for bad input. `files_dir` is where
    `local` contents and trees are read from (None refuses them, as at boot)."""
    result = Translated()
    problems = Problems()
    try:
        root = compose(text)
    except YamlError as err:
        result.entries.append(
            Entry(Severity.ERROR, f"yaml: {err.message}", None, err.line, err.column)
        )
        return result
    if root is None or root.kind != MAP:
        kind = "null" if root is None else root.kind
        result.entries.append(
            Entry(
                Severity.ERROR,
                f"cannot unmarshal {shown_kind(kind)} into a Butane config",
                None,
                root.line if root else 1,
                root.column if root else 1,
            )
        )
        return result
    result.root = root
    tree = _translate(root, files_dir, problems, result)
    result.entries = [_placed(root, p) for p in problems.items]
    if not problems.fatal:
        result.tree = tree
    return result


def _translate(
    root: Node, files_dir: str | None, problems: Problems, result: Translated
) -> dict[str, Any] | None:
    from .variants import find_variant

    fields = {key: value for key, _, value in root.value if key in ("variant", "version")}
    texts = {}
    for key in ("variant", "version"):
        node = fields.get(key)
        if node is not None and node.kind in (MAP, SEQ):
            message = f"cannot unmarshal !!{node.kind} into string"
            problems.unmarshal(node.line, node.column, message, (key,))
            return None
        if node is None or node.value is None:
            texts[key] = ""
        else:  # yaml.v3 decodes a !!binary string: its bytes, not its base64
            texts[key] = node.value if node.kind in (STR, BINARY) else node.text
    variant, refusal = find_variant(texts["variant"], texts["version"])
    if variant is None:
        problems.items.append(Problem("error", None, refusal or "", line=0))
        return None
    from ..config.schema_check import load_schema
    from ..config.versions import Version
    from .sugar import desugar
    from .walk import Walk

    spec = Version.parse(variant.ignition)
    assert spec is not None
    plain_of: dict[int, Any] = {}
    sugar = desugar(variant.name, variant.version, plain(root, plain_of), variant.ignition)
    kept = _only(root, sugar.tree, plain_of)
    walk = Walk(load_schema(spec), spec, files_dir, problems)
    tree = walk.root(kept)
    if walk.tree_node is not None:
        from .trees import read_trees

        walk.trees = read_trees(walk, walk.tree_node, ("storage",))
    quadlets: list[dict[str, Any]] = []
    if walk.quadlet_node is not None:
        from .quadlets import read_quadlets

        quadlets = read_quadlets(walk, walk.quadlet_node)
    if problems.unmarshal_failed:
        problems.items = [p for p in problems.items if p.unmarshal]
        return None
    sources = walk.sources
    tree, sources = _with_generated(walk, tree, sources, spec.minor)
    if walk.trees:
        from .trees import add_trees

        add_trees(walk, tree, sources)
    if quadlets:
        from .quadlets import add_quadlets

        add_quadlets(walk, quadlets, tree, sources)
    steps = zip(sugar.problems, sugar.steps, strict=True)
    desugared = [Problem(p[0], p[1], p[2], step == "unused", step=step) for p, step in steps]
    problems.items = _in_butane_order(problems.items, desugared)
    if problems.fatal:
        return None
    if sugar.fragment:
        tree, sources = _merged(sugar.fragment, dict(sugar.sources), tree, sources)
    result.sources = sources
    return tree


def _in_butane_order(base: list[Problem], sugar: list[Problem]) -> list[Problem]:
    """Base translation's and the sugar's problems as Butane reports them: by step (the
    sugar's Config.Validate before base's field checks, else base's first), and none after
    a stage that failed (Butane stops after validation, translation and field filters)."""
    from .sugar.shape import STEPS

    def rank(problem: Problem, from_sugar: bool) -> tuple[int, int, tuple[str, ...]]:
        step = STEPS.index(problem.step)
        if from_sugar:
            return step, 0 if problem.step == "config" else 2, ()
        return step, 1, _section(problem) if problem.step in ("unused", "validate") else ()

    ordered = sorted(
        [(rank(p, False), p) for p in base] + [(rank(p, True), p) for p in sugar],
        key=lambda item: item[0],
    )
    kept: list[Problem] = []
    for stage_end in ("validate", "translate", "filter"):
        last = STEPS.index(stage_end)
        kept = [p for r, p in ordered if r[0] <= last]
        if any(p.severity == "error" for p in kept):
            break
    return kept


def _section(problem: Problem) -> tuple[str, ...]:
    # Butane's checks walk the Go structs, whose fields are in alphabetical order at the
    # top two levels (passwd before storage; directories, disks, files...; groups, users);
    # the walk here follows the YAML.
    # An unused key belongs to the mapping holding it, reported before the mapping's fields.
    path = problem.within or ()
    if problem.at_key:
        path = path[:-1]
    return tuple(str(part) for part in path[:2] if isinstance(part, str))


def _only(node: Node, kept: Any, plain_of: dict[int, Any]) -> Node:
    """The node as desugaring left it: without the map keys it removed, with what it added
    (openshift's FIPS cipher on the user's LUKS volumes) placed where its parent is; what
    desugaring left as it was (`plain_of`: id of node -> its plain data) is not copied, so
    an alias's shared node is never walked twice."""
    if plain_of.get(id(node)) is kept:
        return node
    if node.kind == MAP and isinstance(kept, dict):
        pairs = [(k, kn, _only(v, kept[k], plain_of)) for k, kn, v in node.value if k in kept]
        present = {k for k, _, _ in node.value}
        for key, value in kept.items():
            if key not in present:
                pairs.append((key, _added(node, key), _added(node, value)))
        return Node(MAP, pairs, node.text, node.line, node.column)
    if node.kind == SEQ and isinstance(kept, list) and len(kept) >= len(node.value):
        items = [_only(child, sub, plain_of) for child, sub in zip(node.value, kept, strict=False)]
        items += [_added(node, extra) for extra in kept[len(node.value) :]]
        return Node(SEQ, items, node.text, node.line, node.column)
    if node.kind == NULL and kept is not None:
        return _added(node, kept)
    return node


def _added(at: Node, value: Any) -> Node:
    """A node for data desugaring added (maps, lists, strings), placed at `at`."""
    if isinstance(value, dict):
        pairs = [(k, _added(at, k), _added(at, v)) for k, v in value.items()]
        return Node(MAP, pairs, "", at.line, at.column)
    if isinstance(value, list):
        return Node(SEQ, [_added(at, v) for v in value], "", at.line, at.column)
    return Node(STR, value, str(value), at.line, at.column)


def _with_generated(
    walk: Any, tree: dict[str, Any], sources: dict[JsonPath, YamlPath], minor: int
) -> tuple[dict[str, Any], dict[JsonPath, YamlPath]]:
    if not walk.filesystems:
        return tree, sources
    from .mount_units import mount_unit

    luks = tree.get("storage", {}).get("luks", [])
    units: list[dict[str, Any]] = []
    generated: dict[JsonPath, YamlPath] = {
        ("systemd",): ("storage", "filesystems"),
        ("systemd", "units"): ("storage", "filesystems"),
    }
    for index, fs in walk.filesystems:
        where = ("storage", "filesystems", index, "with_mount_unit")
        for key in ("", "contents", "enabled", "name"):
            generated[
                ("systemd", "units", len(units), key) if key else ("systemd", "units", len(units))
            ] = where
        units.append(mount_unit(fs, luks, minor))
    return _merged({"systemd": {"units": units}}, generated, tree, sources)


def _merged(
    parent: dict[str, Any],
    parent_sources: dict[JsonPath, YamlPath],
    child: dict[str, Any],
    child_sources: dict[JsonPath, YamlPath],
) -> tuple[dict[str, Any], dict[JsonPath, YamlPath]]:
    from .tree_merge import CHILD, PARENT, merge_trees, remap

    merged, moves = merge_trees(parent, child)
    sources: dict[JsonPath, YamlPath] = {}
    for path, origin in parent_sources.items():
        sources[remap(path, PARENT, moves)] = origin
    for path, origin in child_sources.items():
        sources[remap(path, CHILD, moves)] = origin  # the child's source wins
    return merged, sources


def _placed(root: Node | None, problem: Problem, like: Entry | None = None) -> Entry:
    severity = Severity(problem.severity)
    if problem.path is None:
        line = problem.line or None
        entry = Entry(severity, problem.message, None, line, problem.column)
        return entry if like is None else replace(like, path=None, line=line, column=None)
    found = _locate(root, problem.path, problem.at_key) if root is not None else None
    line, column = found if found else (None, None)
    if problem.unmarshal:  # where yaml.v3 read the node (an alias: where it is anchored)
        line, column = problem.line, problem.column
    if like is not None:
        return replace(like, path=problem.path, line=line, column=column, at_key=False)
    return Entry(severity, problem.message, problem.path, line, column)


def _locate(root: Node, path: YamlPath, at_key: bool) -> tuple[int, int] | None:
    """(line, column) of the value at a YAML path (or its key); a missing value is placed
    where its nearest present ancestor is, as Butane's report does."""
    node, key_node = root, None
    for part in path:
        found = None
        if node.kind == MAP and isinstance(part, str):
            for key, k_node, value in node.value:
                # a merged pair is not in Butane's tree of the text (vcontext's)
                if key == part and not isinstance(k_node, MergedKey):
                    found, key_node = value, k_node
        elif node.kind == SEQ and isinstance(part, int) and 0 <= part < len(node.value):
            found, key_node = node.value[part], None
        if found is None:
            return node.line, node.column
        node = found
    if at_key and key_node is not None:
        return key_node.line, key_node.column
    return node.line, node.column
