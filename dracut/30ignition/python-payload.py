"""Lists the Python files the agent needs in the initramfs, for module-setup.sh.

Run with the interpreter the initramfs will carry (the build host's python3, 3.11 or
newer) and with ignition-py importable. It finds, statically (modulefinder also sees
imports inside functions), every module the agent and its stages can import, and writes a
staging tree: the standard library subset where that interpreter keeps it (e.g.
usr/lib/python3.11), ignition-py and its dependencies under usr/lib/ignition-py (where
the module's `ignition` launcher looks), each module byte-compiled with unchecked hashes
(valid whatever the file times in the image).

`python-payload.py --validators DIR` writes only the generated schema validators (the
package ignition_py.config.fastschema) into DIR, for the Debian package's build.
"""

from __future__ import annotations

import _imp
import ast
import importlib
import importlib.util
import marshal
import modulefinder
import pkgutil
import re
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

ENTRY_MODULES = [
    "ignition_py.agent_cli",
    "ignition_py.engine",
    "ignition_py.stages.registered",
]
# Imported by name at run time (codecs looked up by name), which modulefinder cannot see.
DYNAMIC_PACKAGES = ["encodings"]
# Data files that packages read at run time.
PACKAGE_DATA = ["ignition_py", "certifi", "jsonschema", "jsonschema_specifications"]
# The interpreter runs these from the copies frozen into its binary, never from a file.
# os stays: its file is how the interpreter finds its standard library (getpath's landmark).
_FROZEN_NAMES: set[str] = set(_imp._frozen_module_names())  # type: ignore[attr-defined]
FROZEN = (_FROZEN_NAMES - {"os"}) | {"importlib._bootstrap", "importlib._bootstrap_external"}
# Directories of package data no agent reads (jsonschema ships its benchmarks' inputs).
SKIPPED_DATA_DIRS = {"__pycache__", "benchmarks", "tests"}
SITE_DIR = "usr/lib/ignition-py"
# ignition-py's modules for the commands that are not the agent (not in the initramfs).
OTHER_COMMANDS = [
    "ignition_py.cli", "ignition_py.plan_cli", "ignition_py.validate_cli",
    "ignition_py.apply_cli", "ignition_py.apply", "ignition_py.rmcfg_cli",
    "ignition_py.config.schema_gen",
]  # fmt: skip


def all_ignition_py_modules() -> list[str]:
    import ignition_py

    names = ["ignition_py"]
    for info in pkgutil.walk_packages(ignition_py.__path__, "ignition_py."):
        names.append(info.name)
    return names


class _Finder(modulefinder.ModuleFinder):
    def find_module(self, name, path, parent=None):  # type: ignore[no-untyped-def]
        try:
            return super().find_module(name, path, parent)
        except AttributeError as err:  # a namespace package: modulefinder cannot load it
            raise ImportError(name) from err


def _unused_codec(name: str) -> bool:
    """A codec no agent decodes with: a CJK one (shift_jis, gb18030, big5, ...; 0.9 MB of
    the initramfs with their C tables), an 8-bit code page (cp1252, iso8859_15, mac_roman,
    koi8_r, ...: a table each) or a Windows-only one. The agent reads bytes; it decodes
    only UTF-8, ASCII and Latin-1 (HTTP headers), and IDNA for host names; the locale of
    an initramfs without locales is UTF-8."""
    spec = importlib.util.find_spec(name)
    origin = spec.origin if spec else None
    if not (origin and origin.endswith(".py")):
        return False
    text = Path(origin).read_text()
    return any(mark in text for mark in ("_multibytecodec", "decoding_table", "mbcs_", "oem_"))


def _redundant_charset_detector() -> list[str]:
    """charset_normalizer when chardet is there too: requests takes chardet then, and
    imports charset_normalizer only to check its version (and would warn about a
    chardet-less pairing it does not support, e.g. Debian 12's). The agent never asks
    either to guess an encoding (it reads bytes)."""
    if importlib.util.find_spec("chardet") is None:
        return []
    return ["charset_normalizer"]


def _certifi_bundle_unused() -> bool:
    """Whether certifi's own cacert.pem is dead weight: Debian's certifi answers
    where() with the system bundle (/etc/ssl/certs/ca-certificates.crt, which the
    initramfs carries), so nothing reads the package's copy."""
    try:
        import certifi
    except ImportError:
        return True
    package = Path(certifi.__file__).resolve().parent
    return not Path(certifi.where()).resolve().is_relative_to(package)


def find_modules() -> dict[str, str]:
    """Module name -> source file of everything reachable from the agent."""
    dynamic = [
        info.name
        for package in DYNAMIC_PACKAGES
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__, f"{package}.")
        if not _unused_codec(info.name)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as script:
        for name in [*ENTRY_MODULES, *all_ignition_py_modules(), *dynamic]:
            script.write(f"import {name}\n")
    import ignition_py

    # ignition-py may be installed in editable mode (found through an import hook, which
    # modulefinder does not know): search its source tree first.
    project = str(Path(next(iter(ignition_py.__path__))).parent)
    excludes = [
        "tkinter", "test", "pydoc", "unittest", "doctest", "pdb", "lib2to3", "idlelib",
        # Optional imports the agent never takes: urllib3's pyOpenSSL backend (requests
        # uses it only when the ssl module lacks SNI) and SOCKS (PySocks is not there),
        # 3.5 MB of the initramfs. No process pools either.
        "cryptography", "OpenSSL", "urllib3.contrib.pyopenssl", "urllib3.contrib.socks",
        "multiprocessing",
        # decimal runs on its pure-Python twin: only jsonschema's listing of a config's
        # mismatches imports it (through fractions), and _decimal with its libmpdec is
        # 0.09 MB more in the initramfs.
        "_decimal",
        # The validators are generated at build time (_precompile_schemas): the package
        # itself (its code generator, urllib.request for remote $refs) is never imported.
        "fastjsonschema",
        *_redundant_charset_detector(),
        # Imported only inside functions the agent never calls (0.25 MB): the other
        # commands (ignition-validate, -apply, -rmcfg, ignition-py) are not in the
        # initramfs; argparse, tarfile, pickle, statistics, plistlib, py_compile and
        # getpass serve stdlib main()s, shutil's archives, random's self-test,
        # platform.mac_ver, zipfile's writer and urllib.request's prompts; ftplib is
        # urllib.request's ftp:// (fetches go through requests); netrc is read by requests
        # only with trust_env, which the agent turns off; importlib.metadata is
        # jsonschema's and attrs' __version__; email.policy and email.generator are
        # email.message's as_string/get_content, which http.client's header parsing
        # does not call; lzma and bz2 are shutil's archive formats (and the bz2 codec);
        # getopt serves base64's, quopri's and mimetypes' main().
        *OTHER_COMMANDS,
        "argparse", "tarfile", "pickle", "statistics", "plistlib", "py_compile", "getpass",
        "ftplib", "netrc", "importlib.metadata", "importlib_metadata",
        "email.policy", "email.generator", "lzma", "bz2", "getopt",
    ]  # fmt: skip
    finder = _Finder(path=[project, *sys.path], excludes=excludes)
    finder.run_script(script.name)
    Path(script.name).unlink()
    found = {}
    for name, module in finder.modules.items():
        file = getattr(module, "__file__", None)
        if file:
            found[name] = file
    return found


def destination(name: str, source: Path, stdlib: Path) -> Path:
    """Where a module goes: the stdlib keeps its layout, the rest is placed by its name."""
    if source.is_relative_to(stdlib):
        return Path(str(stdlib).lstrip("/")) / source.relative_to(stdlib)
    parts = name.split(".")
    if source.stem == "__init__":
        return Path(SITE_DIR, *parts, source.name)
    return Path(SITE_DIR, *parts[:-1], source.name)


def stage(out: Path) -> list[Path]:
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    copied: list[Path] = []
    for name, file in sorted(find_modules().items()):
        if name == "__main__" or name in FROZEN:
            continue
        source = Path(file).resolve()
        target = destination(name, source, stdlib)
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, out / target)
        copied.append(target)
    for package in PACKAGE_DATA:
        if package == "certifi" and _certifi_bundle_unused():
            continue
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(next(iter(spec.submodule_search_locations))).resolve()
        for data in root.rglob("*"):
            if (
                data.is_file()
                and data.suffix not in (".py", ".pyc")
                and not SKIPPED_DATA_DIRS.intersection(data.relative_to(root).parts)
            ):
                target = Path(SITE_DIR) / package / data.relative_to(root)
                (out / target).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(data, out / target)
    _compile(out)
    _precompile_schemas(out)
    return copied


def _compile(out: Path) -> None:
    """Byte-compile every staged module as a sourceless .pyc in place of its .py (half the
    size). ignition-py's own too: a traceback still names the file and line, to read in
    the sources of the same version (as upstream's binary carries no Go sources either).
    """
    ours = out / SITE_DIR / "ignition_py"
    for source in out.rglob("*.py"):
        if source.parent.name == "bin":
            continue
        keep_decorated = source.is_relative_to(ours)
        _write_pyc(source, source.with_suffix(".pyc"), _final(source, out), keep_decorated)
        source.unlink()


class _DocstringStripper(ast.NodeTransformer):
    """Drops docstrings (``__doc__`` is None, as under ``python -OO``, which the standard
    library and the dependencies support) but keeps asserts, which -OO would drop too.
    With ``keep_decorated``, a decorated class keeps its docstring: ``dataclass`` builds
    one with ``inspect.signature`` at import for a class without (ignition-py's own)."""

    def __init__(self, keep_decorated: bool) -> None:
        self.keep_decorated = keep_decorated

    def _strip(self, node: ast.AST) -> ast.AST:
        self.generic_visit(node)
        body = getattr(node, "body", [])
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body[0] = ast.copy_location(ast.Pass(), body[0]) if len(body) == 1 else None
            node.body = [stmt for stmt in body if stmt is not None]  # type: ignore[attr-defined]
        return node

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = _strip

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        if node.decorator_list and self.keep_decorated:
            self.generic_visit(node)
            return node
        return self._strip(node)


def _write_pyc(source: Path, pyc: Path, shown: str, keep_decorated: bool = False) -> None:
    """``source`` compiled without its docstrings (_DocstringStripper) into ``pyc``, an
    unchecked-hash .pyc (valid whatever the file times in the image); tracebacks name
    ``shown``."""
    data = source.read_bytes()
    tree = _DocstringStripper(keep_decorated).visit(ast.parse(data, shown))
    code = compile(tree, shown, "exec", dont_inherit=True)
    flags = (0b01).to_bytes(4, "little")  # hash-based, not checked
    pyc.parent.mkdir(parents=True, exist_ok=True)
    pyc.write_bytes(
        importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(data) + marshal.dumps(code)
    )


def _precompile_schemas(out: Path) -> None:
    """The validator of each spec's schema as byte code, so that no boot compiles it."""
    from ignition_py.config.schema_check import PRECOMPILED_PACKAGE

    package = out / SITE_DIR / Path(*PRECOMPILED_PACKAGE.split("."))
    write_validators(package)
    for module in package.glob("*.py"):
        # generated code: nobody reads its source in a traceback
        _write_pyc(module, module.with_suffix(".pyc"), _final(module, out))
        module.unlink()


def write_validators(package: Path) -> None:
    """Writes ``package`` (ignition_py.config.fastschema, a directory, created): one module
    per spec version whose ``validate(tree)`` raises schema_mismatch's exception when
    the tree does not match our JSON schema of that version (fastjsonschema's code, see
    _without_package_imports and _without_definitions). Shared by the initramfs and the
    Debian package build."""
    import fastjsonschema

    from ignition_py.config.schema_check import load_schema
    from ignition_py.config.versions import KNOWN_VERSIONS

    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('"""Schema validators generated at build time."""\n')
    for version in KNOWN_VERSIONS:
        code = _without_package_imports(fastjsonschema.compile_to_code(load_schema(version)))
        entry = re.search(r"^def (validate\w*)\(", code, re.MULTILINE)
        assert entry is not None, "fastjsonschema's generated code has no validate function"
        code = _without_definitions(code) + f"\n\nvalidate = {entry.group(1)}\n"
        (package / f"{version.schema_name}.py").write_text(code)


class _DefinitionDropper(ast.NodeTransformer):
    def visit_keyword(self, node: ast.keyword) -> ast.keyword:
        if node.arg == "definition":
            node.value = ast.Constant(None)
        return node


def _without_definitions(code: str) -> str:
    """The generated code without the schema fragment each raise carries (the exception's
    ``definition``, two thirds of the code: the root's is the whole schema). Nothing reads
    it: a mismatch sends check_schema to jsonschema for the listing."""
    tree = _DefinitionDropper().visit(ast.parse(code))
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n"


def _final(path: Path, out: Path) -> str:
    """Where a staged path lands in the initramfs."""
    return "/" + str(path.relative_to(out))


_EXCEPTIONS_IMPORT = re.compile(
    r"^from fastjsonschema import (JsonSchemaValues?Exception(?:, JsonSchemaValues?Exception)*)$",
    re.MULTILINE,
)
_DECIMAL_IMPORT = "from decimal import Decimal\n"


def _without_package_imports(code: str) -> str:
    """The generated code, its exceptions imported from ignition_py.config.schema_mismatch
    rather than from fastjsonschema's package (whose import runs its code generator's
    imports), and without `decimal` when nothing uses it (our trees never hold one)."""
    code, count = _EXCEPTIONS_IMPORT.subn(
        r"from ignition_py.config.schema_mismatch import \1", code
    )
    assert count == 1, (
        "fastjsonschema's generated code no longer imports its exceptions as expected"
    )
    without_decimal = code.replace(_DECIMAL_IMPORT, "")
    if "Decimal" not in without_decimal:
        code = without_decimal
    assert "import fastjsonschema" not in code and "from fastjsonschema" not in code, (
        "still imports fastjsonschema"
    )
    return code


# What the agent imports at run time for some configs only (https, Butane, a schema
# mismatch) and the build itself: modulefinder skips a missing module without a word, so a
# build interpreter without one would stage a payload that fails at boot.
REQUIRED = {
    "requests": "python3-requests", "urllib3": "python3-urllib3", "yaml": "python3-yaml",
    "jsonschema": "python3-jsonschema", "fastjsonschema": "python3-fastjsonschema",
}  # fmt: skip


def missing_requirements() -> list[str]:
    """The Debian packages (as named in REQUIRED) whose module this interpreter lacks."""
    return [package for name, package in REQUIRED.items() if importlib.util.find_spec(name) is None]


def main() -> int:
    missing = missing_requirements()
    if missing:
        print(f"python-payload: {sys.executable} cannot import what the agent needs: install "
              f"{' '.join(missing)} (or run this with the interpreter that has them)",
              file=sys.stderr)  # fmt: skip
        return 1
    if sys.argv[1] == "--validators":  # the Debian package's build (debian/rules)
        write_validators(Path(sys.argv[2]))
        return 0
    out = Path(sys.argv[1])
    copied = stage(out)
    print(f"python-payload: {len(copied)} modules staged in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
