"""Butane's base translation: the YAML tree, read against the Ignition spec it targets,
becomes that spec's JSON tree.

Butane's base schemas are Ignition's in snake_case (Butane's Camel()) plus a few fields
of its own (resources' `inline`/`local`, units' `contents_local`, users'
`ssh_authorized_keys_local`, filesystems' `with_mount_unit`, `storage.trees`); so the
walk is driven by our schema of the target spec. Scalars are read as Go's yaml.v3 reads
them into Butane's structs (a value of the wrong type is an unmarshal error), keys the
struct does not have are "unused key" warnings, and what Go's JSON encoder leaves out
(unset pointers, empty lists and structs, zero non-pointer values) is left out.
Every JSON path written is recorded with the YAML path it came from (Butane's
TranslationSet), so that problems found in the result are reported on the YAML.
"""

from __future__ import annotations

from ..typecheck import TYPE_CHECKING
from . import messages as msg
from .contents import LocalFileError, decimal_mode_problem, escape, make_data_url, read_local
from .problems import Problems, YamlPath
from .yaml_tree import BINARY, BOOL, FLOAT, INT, MAP, NULL, SEQ, STR, MergedKey, Node, shown_kind

if TYPE_CHECKING:
    from typing import Any

    JsonPath = tuple[str | int, ...]

_ABSENT = object()
_YES = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_NO = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF"})
_TAGGED_COLLECTIONS = frozenset({"!!map", "!!seq"})  # a scalar so tagged

# Go struct names of Butane's base schema, by JSON key (and by parent for the keys that
# name two types), for yaml.v3's "cannot unmarshal ... into v0_5.File" errors.
_GO_NAMES = {
    "ignition": "Ignition", "config": "IgnitionConfig", "merge": "Resource",
    "replace": "Resource", "proxy": "Proxy", "security": "Security", "tls": "TLS",
    "certificateAuthorities": "Resource", "timeouts": "Timeouts",
    "kernelArguments": "KernelArguments", "passwd": "Passwd", "users": "PasswdUser",
    "sshAuthorizedKeys": "SSHAuthorizedKey", "storage": "Storage", "directories": "Directory",
    "disks": "Disk", "partitions": "Partition", "files": "File", "append": "Resource",
    "filesystems": "Filesystem", "links": "Link", "luks": "Luks", "clevis": "Clevis",
    "tang": "Tang", "custom": "Custom", "cex": "Cex", "keyFile": "Resource", "raid": "Raid",
    "systemd": "Systemd", "units": "Unit", "dropins": "Dropin", "httpHeaders": "HTTPHeader",
    "verification": "Verification", "user": "NodeUser", "group": "NodeGroup", "trees": "Tree",
}  # fmt: skip
_GO_NAMES_IN = {
    ("passwd", "groups"): "PasswdGroup", ("users", "groups"): "Group",
    ("kernelArguments", "shouldExist"): "KernelArgument",
    ("kernelArguments", "shouldNotExist"): "KernelArgument", ("raid", "devices"): "Device",
    ("files", "contents"): "Resource",
}  # fmt: skip
_SCALAR_GO = {"string": "string", "integer": "int", "boolean": "bool"}


def camel_to_snake(name: str) -> str:
    """Butane's Snake(): sizeMiB -> size_mib, httpHeaders -> http_headers."""
    out = []
    i = 0
    while i < len(name):
        if name.startswith("MiB", i):
            out.append("_mib")
            i += 3
            continue
        ch = name[i]
        out.append("_" + ch.lower() if ch.isupper() else ch)
        i += 1
    return "".join(out)


class Walk:
    """One translation: feed it the root node, read `out`, `sources` and the problems.

    `spec` is the target Ignition version (a Version); `files_dir` is where `local`
    references are read from (None: refused, as at boot)."""

    def __init__(
        self, schema: dict[str, Any], spec: Any, files_dir: str | None, problems: Problems
    ) -> None:
        self.schema = schema
        self.spec = spec
        self.files_dir = files_dir
        self.problems = problems
        self.sources: dict[JsonPath, YamlPath] = {}
        self.package = f"v0_{spec.minor + 1}" + ("_exp" if spec.prerelease else "")
        self.filesystems: list[tuple[int, dict[str, Any]]] = []
        self.trees: list[tuple[int, dict[str, Any]]] = []
        self._mismatched: set[YamlPath] = set()
        self.tree_node: Node | None = None
        self.quadlet_node: Node | None = None

    # The base version's own fields, by where they sit.
    def _extras(self, shape: tuple[str, ...], props: dict[str, Any]) -> frozenset[str]:
        minor = self.spec.minor
        if "source" in props and "verification" in props:
            if minor == 0:  # base 0.1: file contents only (3.0 config and CA references differ)
                return frozenset({"inline"} if "compression" in props else ())
            return frozenset({"inline", "local"})
        if shape in (("systemd", "units"), ("systemd", "units", "dropins")) and minor >= 4:
            return frozenset({"contents_local"})
        if shape == ("passwd", "users") and minor >= 4:
            return frozenset({"ssh_authorized_keys_local"})
        if shape == ("storage", "filesystems") and minor >= 1:
            return frozenset({"with_mount_unit"})
        if shape == ("storage",) and minor >= 1:
            return frozenset({"trees"})
        if shape == ("systemd",) and minor >= 7:
            return frozenset({"quadlets"})
        return frozenset()

    def root(self, node: Node) -> dict[str, Any]:
        props = dict(self.schema["properties"])
        names = {camel_to_snake(k): k for k in props}
        names_known = {"version", "variant"}
        out: dict[str, Any] = {}
        self.sources[()] = ()
        seen: dict[str, int] = {}
        for key, key_node, value in node.value:
            if self._duplicate(key, key_node, seen, ()):
                continue
            if key in names:
                camel = names[key]
                got = self.value(value, props[camel], (camel,), (key,), self._go_name((), camel))
                if got is not _ABSENT:
                    out[camel] = got
            elif key not in names_known and not isinstance(key_node, MergedKey):
                self.problems.warning((key,), f"unused key {key}", at_key=True, step="unused")
        ignition = out.setdefault("ignition", {})
        ignition["version"] = str(self.spec)
        self.sources.setdefault(("ignition",), ())
        self.sources[("ignition", "version")] = ("version",)
        return {k: out[k] for k in sorted(out)}

    def _mismatch(self, yp: YamlPath) -> None:
        # vcontext's words when a struct's YAML is null (Butane warns, then goes on)
        if yp[:-1] in self._mismatched:
            return  # vcontext stops comparing a container at its first mismatch
        self._mismatched.add(yp[:-1])
        where = "$" + "".join(f".{p}" for p in yp)
        self.problems.warning(
            yp,
            f"context tree does not match content tree at {where}. Line and column "
            "reporting may be inconsistent. Unused keys may not be reported",
            step="unused",
        )

    def _duplicate(self, key: str, key_node: Node, seen: dict[str, int], yp: YamlPath) -> bool:
        """True for a key to skip: a repeated one, or a complex key (`? [a, b]`) that
        yaml.v3 cannot read as a field name; either is an unmarshal error."""
        if key_node.kind in (MAP, SEQ):
            message = f"cannot unmarshal !!{key_node.kind} into string"
            self.problems.unmarshal(key_node.line, key_node.column, message, yp or None)
            return True
        if key in seen:
            self.problems.unmarshal(
                key_node.line,
                key_node.column,
                f'mapping key "{key}" already defined at line {seen[key]}',
                (*yp, key),
            )
            return True
        seen[key] = key_node.line
        return False

    def _go_name(self, parent: JsonPath, key: str) -> str:
        shape = [p for p in parent if isinstance(p, str)]
        named = _GO_NAMES_IN.get((shape[-1], key)) if shape else None
        name = named or _GO_NAMES.get(key)
        return f"{self.package}.{name}" if name else ""

    def value(self, node: Node, schema: dict[str, Any], jp: JsonPath, yp: YamlPath, go: str) -> Any:
        """The JSON value for `node` read against `schema` (one of our schema's nodes), at
        JSON path `jp` from YAML path `yp`; `go` names its Go type for unmarshal errors.
        Returns the module's _ABSENT marker for what Go's encoder would leave out."""
        kinds = schema.get("type")
        kind: str = kinds[0] if isinstance(kinds, list) else str(kinds)
        if kind == "object":
            return self._object(node, schema, jp, yp, go, item=False)
        if kind == "array":
            return self._array(node, schema["items"], jp, yp, go)
        nullable = isinstance(kinds, list) and "null" in kinds and jp[-3::2] != _PLAIN_NUMBER
        got = self._scalar(node, kind, go or _SCALAR_GO[kind], yp)
        if got is _ABSENT:
            return _ABSENT
        if not nullable and got in ("", 0, False) and got is not True:
            return _ABSENT  # Go's omitempty on a plain (non-pointer) field
        self.sources[jp] = yp
        return got

    def _scalar(self, node: Node, kind: str, go: str, yp: YamlPath) -> Any:
        if node.kind == NULL:
            return _ABSENT
        if node.kind in (MAP, SEQ):
            self._type_error(node, go, yp)
            return _ABSENT
        if kind == "string":
            return node.value if node.kind in (STR, BINARY) else node.text
        if kind == "integer":
            if node.kind == INT and node.value < 1 << 63:
                return node.value
            if node.kind == FLOAT and abs(node.value) < 2.0**63:
                return int(node.value)
        elif kind == "boolean":
            if node.kind == BOOL:
                return node.value
            if node.kind == STR and (node.value in _YES or node.value in _NO):
                return node.value in _YES
        self._type_error(node, go, yp)
        return _ABSENT

    def _type_error(self, node: Node, go: str, yp: YamlPath) -> None:
        value = ""
        if node.kind in _TAGGED_COLLECTIONS:
            value = node.text  # yaml.v3's terror quotes no value under a !!map or !!seq tag
        elif node.kind not in (MAP, SEQ):
            text = node.text
            value = f" `{text[:7]}...`" if len(text.encode()) > 10 else f" `{text}`"
        self.problems.unmarshal(
            node.line, node.column, f"cannot unmarshal {shown_kind(node.kind)}{value} into {go}", yp
        )

    def _array(self, node: Node, items: dict[str, Any], jp: JsonPath, yp: YamlPath, go: str) -> Any:
        declared = items.get("type")
        item_kind: str = declared[0] if isinstance(declared, list) else str(declared)
        item_go = go or _SCALAR_GO.get(item_kind, "")
        if node.kind == NULL:
            return _ABSENT
        if node.kind != SEQ:
            self._type_error(node, "[]" + item_go, yp)
            return _ABSENT
        out: list[Any] = []
        for i, child in enumerate(node.value):
            if child.kind == NULL:
                # yaml.v3 leaves a null item out of the slice (the indexes shift);
                # vcontext notices when a later item lands on its index.
                later = any(c.kind != NULL for c in node.value[i + 1 :])
                if item_kind == "object" and later:
                    self._mismatch((*yp, i))
                continue
            index = len(out)
            if item_kind == "object":
                got = self._object(child, items, (*jp, index), (*yp, i), item_go, item=True)
            else:
                got = self._scalar(child, item_kind, item_go, (*yp, i))
                if got is _ABSENT:
                    got = _SCALAR_ZERO[item_kind]
            out.append(got)
            self.sources[(*jp, index)] = (*yp, i)
        if not out:
            return _ABSENT
        self.sources[jp] = yp
        return out

    def _object(
        self, node: Node, schema: dict[str, Any], jp: JsonPath, yp: YamlPath, go: str, item: bool
    ) -> Any:
        if node.kind == NULL:
            self._mismatch(yp)
            return _ABSENT
        if node.kind != MAP:
            self._type_error(node, go, yp)
            return {} if item else _ABSENT
        props: dict[str, Any] = schema.get("properties", {})
        shape = tuple(p for p in jp if isinstance(p, str))
        if shape == ("ignition",):
            props = {k: v for k, v in props.items() if k != "version"}
        names = {camel_to_snake(k): k for k in props}
        extras = self._extras(shape, props)
        out: dict[str, Any] = {}
        special: dict[str, Node] = {}
        seen: dict[str, int] = {}
        for key, key_node, value in node.value:
            if self._duplicate(key, key_node, seen, yp):
                continue
            if key in names:
                camel = names[key]
                got = self.value(
                    value, props[camel], (*jp, camel), (*yp, key), self._go_name(jp, camel)
                )
                if got is not _ABSENT:
                    out[camel] = got
            elif key in extras:
                special[key] = value
            elif not isinstance(key_node, MergedKey):  # yaml.v3 merged it; Butane is silent
                self.problems.warning((*yp, key), f"unused key {key}", at_key=True, step="unused")
        for name in schema.get("required", ()):
            if name in props and name not in out:
                out[name] = ""
                self.sources.setdefault((*jp, name), (*yp, camel_to_snake(name)))
        self._special(shape, out, special, jp, yp)
        self._checks(shape, out, jp, yp)
        if not out and not item:
            return _ABSENT
        self.sources[jp] = yp
        return out

    def _special(
        self,
        shape: tuple[str, ...],
        out: dict[str, Any],
        special: dict[str, Node],
        jp: JsonPath,
        yp: YamlPath,
    ) -> None:
        if "inline" in special or "local" in special:
            self._resource(out, special, jp, yp)
        elif "contents_local" in special:
            self._contents_local(out, special["contents_local"], jp, yp)
        elif "ssh_authorized_keys_local" in special:
            self._keys_local(out, special["ssh_authorized_keys_local"], jp, yp)
        elif "with_mount_unit" in special:
            enabled = self._scalar(
                special["with_mount_unit"], "boolean", "bool", (*yp, "with_mount_unit")
            )
            if enabled is True:
                self.filesystems.append((int(jp[-1]), out))
                self._check_mount_unit(out, yp)
        elif "trees" in special:
            self.tree_node = special["trees"]  # read by trees.read_trees
        elif "quadlets" in special:
            self.quadlet_node = special["quadlets"]  # read by quadlets.read_quadlets

    def _resource(
        self, out: dict[str, Any], special: dict[str, Node], jp: JsonPath, yp: YamlPath
    ) -> None:
        given = {
            k: special[k] for k in ("local", "inline") if k in special and special[k].kind != NULL
        }
        texts = {k: self._scalar(v, "string", "string", (*yp, k)) for k, v in given.items()}
        present: list[str] = [
            k for k in ("local", "inline") if k in texts and texts[k] is not _ABSENT
        ]
        if "source" in out:
            present.append("source")
        if len(present) > 1:
            self.problems.error((*yp, present[-1]), msg.TOO_MANY_RESOURCE_SOURCES)
            return
        if not present or present[0] == "source":
            return
        field = present[0]
        if field == "local":
            try:
                data = read_local(texts["local"], self.files_dir)
            except LocalFileError as err:
                self.problems.error((*yp, "local"), str(err), step="translate")
                return
        else:
            data = str(texts["inline"]).encode("utf-8", "surrogateescape")
            if jp[:2] == ("ignition", "config"):
                from .inline_config import check_inline_config

                if not check_inline_config(str(texts["inline"]), str(self.spec), yp, self.problems):
                    return
        if self.spec.minor == 0:
            out["source"] = "data:," + escape(data)
            self.sources[(*jp, "source")] = (*yp, field)
            return
        url, compression = make_data_url(data, out.get("compression"), auto_compress=True)
        out["source"] = url
        self.sources[(*jp, "source")] = (*yp, field)
        if compression is not None:
            out["compression"] = compression
            self.sources[(*jp, "compression")] = (*yp, field)

    def _contents_local(self, out: dict[str, Any], node: Node, jp: JsonPath, yp: YamlPath) -> None:
        name = self._scalar(node, "string", "string", (*yp, "contents_local"))
        if name is _ABSENT:
            return
        if "contents" in out:
            self.problems.error((*yp, "contents_local"), msg.TOO_MANY_SYSTEMD_SOURCES)
            return
        if not name:
            return
        try:
            data = read_local(name, self.files_dir)
        except LocalFileError as err:
            self.problems.error((*yp, "contents_local"), str(err), step="translate")
            return
        out["contents"] = data.decode("utf-8", "replace")
        self.sources[(*jp, "contents")] = (*yp, "contents_local")

    def _keys_local(self, out: dict[str, Any], node: Node, jp: JsonPath, yp: YamlPath) -> None:
        where = (*yp, "ssh_authorized_keys_local")
        # a JSON path that is in no output, so the sources it records stay unused
        unused = (*jp, "sshAuthorizedKeysLocal")
        names = self._array(node, {"type": "string"}, unused, where, "string")
        if names is _ABSENT:
            return
        if not self.files_dir:
            self.problems.error(where, msg.NO_FILES_DIR, step="translate")
            return
        import re

        keys: list[str] = out.setdefault("sshAuthorizedKeys", [])
        for index, name in enumerate(names):
            try:
                data = read_local(name, self.files_dir)
            except LocalFileError as err:
                self.problems.error((*where, index), str(err), step="translate")
                continue
            for line in re.split(r"\r?\n", data.decode("utf-8", "replace")):
                if line:
                    self.sources[(*jp, "sshAuthorizedKeys", len(keys))] = (*where, index)
                    keys.append(line)
        if not keys:
            del out["sshAuthorizedKeys"]

    def _check_mount_unit(self, fs: dict[str, Any], yp: YamlPath) -> None:
        fmt, path = fs.get("format"), fs.get("path")
        if self.spec.minor <= 2:
            if not path:
                self.problems.error((*yp, "path"), msg.MOUNT_UNIT_NO_PATH)
            if not fmt:
                self.problems.error((*yp, "format"), msg.MOUNT_UNIT_NO_FORMAT)
        elif not fmt:
            self.problems.error((*yp, "format"), msg.MOUNT_UNIT_NO_FORMAT)
        elif fmt != "swap" and not path:
            self.problems.error((*yp, "path"), msg.MOUNT_UNIT_NO_PATH)

    def _checks(
        self, shape: tuple[str, ...], out: dict[str, Any], jp: JsonPath, yp: YamlPath
    ) -> None:
        directory = shape == ("storage", "directories")
        node = directory or shape == ("storage", "files")
        if node and "mode" in out and decimal_mode_problem(out["mode"], directory):
            self.problems.warning(self.sources.get((*jp, "mode"), yp), msg.DECIMAL_MODE)


# Partition.Number is Go's plain `int` with omitempty although the schema allows null: 0
# is left out (the other nullable non-pointer fields have no omitempty).
_PLAIN_NUMBER = ("partitions", "number")
_SCALAR_ZERO: dict[str, Any] = {"string": "", "integer": 0, "boolean": False}
