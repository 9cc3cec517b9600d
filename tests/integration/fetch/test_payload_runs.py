"""The Python payload the dracut module stages into the initramfs (python-payload.py, run
as module-setup.sh runs it) holds everything the fetch stages import: with nothing on
sys.path but the payload's own trees, Debian's python3 fetches a config merged over
https with a custom CA, and imports none of the optional packages the payload leaves
out (pyOpenSSL, cryptography)."""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.agents import OURS
from testkit.launcher import build_launcher
from testkit.payload import (
    PYTHON,
    payload_path,
    stage_payload_tree,
    warm_up_code,
    warm_up_command,
)
from testkit.stagerun import Outcome, run_stages
from testkit.trees import make_root

from .servers import Answer, CertAuthority, ScriptedServer

REPO = Path(__file__).resolve().parents[3]
LEFT_OUT = ("cryptography", "OpenSSL", "_decimal")

_LAUNCHER = """#!{python} -IS
import atexit, json, os, sys
sys.path[:] = {paths!r}
def _record():
    with open(os.environ["PAYLOAD_MODULES"], "a") as out:
        out.write(json.dumps(sorted(sys.modules)) + "\\n")
atexit.register(_record)
from ignition_py.agent_cli import main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def payload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield stage_payload_tree(tmp_path_factory.mktemp("payload"))


def test_the_payload_alone_fetches_over_https(
    payload: Path, tmp_path: Path, tls_server: ScriptedServer, test_ca: CertAuthority
) -> None:
    site = payload / "usr" / "lib" / "ignition-py"
    for package in LEFT_OUT:
        assert not list(payload.rglob(package)) and not list(payload.rglob(package + ".pyc"))
    assert (site / "requests").is_dir() and (
        site / "ignition_py" / "config" / "fastschema"
    ).is_dir()
    launcher = tmp_path / "ignition"
    launcher.write_text(_LAUNCHER.format(python=PYTHON, paths=payload_path(payload)))
    launcher.chmod(0o755)

    written = {"path": "/etc/from-https", "contents": {"source": "data:,x"}}
    child = {"ignition": {"version": "3.4.0"}, "storage": {"files": [written]}}
    tls_server.route("/child.ign", Answer(200, json.dumps(child).encode()))
    ca = "data:;base64," + base64.b64encode(test_ca.cert.read_bytes()).decode()
    config = {
        "ignition": {
            "version": "3.4.0",
            "config": {"merge": [{"source": tls_server.url("/child.ign")}]},
            "security": {"tls": {"certificateAuthorities": [{"source": ca}]}},
        }
    }
    modules = tmp_path / "modules.jsonl"
    outcome = run_stages(launcher, tmp_path / "work", ["fetch-offline"], user_config=config,
                         env={"PAYLOAD_MODULES": str(modules)})  # fmt: skip
    assert outcome.returncode == 0, outcome.output
    cached = outcome.cached
    assert cached is not None, outcome.output
    assert [f["path"] for f in cached["storage"]["files"]] == ["/etc/from-https"]
    assert tls_server.requests_to("/child.ign"), "the fetch stage never reached the server"
    runs = [json.loads(line) for line in modules.read_text().splitlines()]
    assert len(runs) == 2  # fetch-offline asked for the network, fetch fetched
    for loaded in runs:
        assert not [m for m in loaded if m.split(".")[0] in LEFT_OUT], loaded
        assert all(m.split(".")[0] != "fastjsonschema" for m in loaded), loaded
    # what every stage would pay for at start in a TCG guest (see test_startup_budget;
    # socket comes with ssl here: the config has its own CA)
    heavy = ("dataclasses", "typing", "uuid", "secrets", "inspect")
    assert [m for m in heavy if m in runs[0]] == [], runs[0]
    assert "requests" in runs[1] and "ssl" in runs[1]


def _agent(agent: str, payload: Path, tmp_path: Path) -> Path | str:
    if agent == "venv":
        return OURS
    launcher = tmp_path / "ignition"
    launcher.write_text(_LAUNCHER.format(python=PYTHON, paths=payload_path(payload)))
    launcher.chmod(0o755)
    return launcher


def _merge_over_https(
    launcher: Path | str, tmp_path: Path, url: str, ca: CertAuthority | None, env: dict[str, str]
) -> Outcome:
    """fetch-offline (then fetch) of a config merging ``url``, trusting ``ca`` through the
    config's certificateAuthorities (None: only the system pool)."""
    ignition: dict[str, object] = {"version": "3.4.0", "config": {"merge": [{"source": url}]}}
    if ca is not None:
        blob = "data:;base64," + base64.b64encode(ca.cert.read_bytes()).decode()
        ignition["security"] = {"tls": {"certificateAuthorities": [{"source": blob}]}}
    env = {"PAYLOAD_MODULES": str(tmp_path / "modules"), **env}
    return run_stages(launcher, tmp_path / "work", ["fetch-offline"],
                      user_config={"ignition": ignition}, env=env, timeout=60)  # fmt: skip


_CHILD = Answer(200, b'{"ignition": {"version": "3.4.0"}}')


@pytest.mark.parametrize("agent", ["payload", "venv"])
def test_https_to_an_ip_address_without_config_cas_uses_the_system_pool(
    agent: str, payload: Path, tmp_path: Path, tls_server: ScriptedServer, test_ca: CertAuthority
) -> None:
    """No config CAs: the system pool (here SSL_CERT_FILE, read by OpenSSL as by Go) with
    the same context as the config-CA path; Debian's urllib3 1.26 used to fail an IP
    address host with a traceback ("check_hostname requires server_hostname")."""
    tls_server.route("/child.ign", _CHILD)
    launcher = _agent(agent, payload, tmp_path)
    outcome = _merge_over_https(launcher, tmp_path, tls_server.url("/child.ign"), None,
                                {"SSL_CERT_FILE": str(test_ca.cert)})  # fmt: skip
    assert outcome.returncode == 0, outcome.output
    assert "Traceback" not in outcome.output, outcome.output
    assert outcome.cached is not None, outcome.output
    assert len(tls_server.requests_to("/child.ign")) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
@pytest.mark.parametrize("agent", ["payload", "venv"])
def test_a_certificate_without_subject_alt_name_is_refused_at_once(
    agent: str, host: str, payload: Path, tmp_path: Path, test_ca: CertAuthority
) -> None:
    """The host is only in the Common Name: Go refuses such a certificate (urllib3 1.26
    would accept it, and 2.x said so in words the refusal check did not know, retrying
    until the total timeout)."""
    context = test_ca.server_context(tmp_path, [host], san=False)
    server = ScriptedServer(tls=context)
    try:
        server.route("/child.ign", _CHILD)
        url = server.url("/child.ign").replace("127.0.0.1", host)
        launcher = _agent(agent, payload, tmp_path)
        outcome = _merge_over_https(launcher, tmp_path, url, test_ca, {})
    finally:
        server.close()
    assert outcome.returncode == 1, outcome.output
    assert "relies on legacy Common Name field, use SANs instead" in outcome.output, outcome.output
    assert "attempt #2" not in outcome.output, outcome.output
    assert "Traceback" not in outcome.output, outcome.output
    assert len(server.requests_to("/child.ign")) == 0
    assert outcome.cached is None


@pytest.mark.parametrize("agent", ["payload", "venv"])
def test_a_certificate_for_another_host_is_refused_at_once(
    agent: str, payload: Path, tmp_path: Path, test_ca: CertAuthority
) -> None:
    """The CA is trusted, the name is not the server's: the host name is still checked
    (urllib3 does it, Debian's 1.26 in the payload as PyPI's 2.x in the venv), and the
    failure is final, as an unverifiable certificate is."""
    context = test_ca.server_context(tmp_path, ["elsewhere.example"])
    server = ScriptedServer(tls=context)
    try:
        server.route("/child.ign", _CHILD)
        launcher = _agent(agent, payload, tmp_path)
        outcome = _merge_over_https(launcher, tmp_path, server.url("/child.ign"), test_ca, {})
    finally:
        server.close()
    assert outcome.returncode == 1, outcome.output
    assert "doesn't match" in outcome.output, outcome.output
    assert "attempt #2" not in outcome.output, outcome.output
    assert len(server.requests_to("/child.ign")) == 0  # refused in the handshake
    assert outcome.cached is None


def test_the_byte_code_names_the_initramfs_paths(payload: Path) -> None:
    """Tracebacks at boot show where the files are in the initramfs, not the build's
    staging directory."""
    import marshal

    compiled = [
        payload / "usr/lib/python3.11/subprocess.pyc",
        payload / "usr/lib/ignition-py/requests/__init__.pyc",
        payload / "usr/lib/ignition-py/ignition_py/engine.pyc",
    ]
    assert len(compiled) == 3 and all(path.exists() for path in compiled), compiled
    for path in compiled:
        code = marshal.loads(path.read_bytes()[16:])
        assert code.co_filename.startswith("/usr/lib/"), (path, code.co_filename)
        assert str(payload) not in code.co_filename


BUTANE_CONFIG = b"""\
variant: flatcar
version: 1.1.0
storage:
  files:
    - path: /etc/from-butane
      mode: 0644
      contents:
        inline: written from a Butane config
"""


def test_the_payload_alone_translates_a_butane_config(payload: Path, tmp_path: Path) -> None:
    """PyYAML (with libyaml's C parser when the build host has it) is staged with the
    Butane front end: the fetch stage reads a Butane text as it reads JSON."""
    site = payload / "usr" / "lib" / "ignition-py"
    assert (site / "yaml").is_dir() and (site / "ignition_py" / "butane").is_dir()
    cached, loaded = _fetched(payload, tmp_path, BUTANE_CONFIG)
    (written,) = cached["storage"]["files"]
    assert written["path"] == "/etc/from-butane" and written["mode"] == 0o644
    assert cached["ignition"]["version"] == "3.6.0"  # translated to the newest stable spec
    assert "yaml" in loaded and "ignition_py.butane.front" in loaded
    if list((site / "yaml").glob("_yaml*.so")):  # the build host has libyaml's parser
        assert "yaml._yaml" in loaded


SUGAR_CONFIG = b"""\
variant: fcos
version: 1.6.0
boot_device:
  mirror:
    devices: [/dev/vda, /dev/vdb]
grub:
  users:
    - name: root
      password_hash: grub.pbkdf2.sha512.10000.AAAA.BBBB
storage:
  files:
    - path: /etc/from-butane
      contents:
        inline: sugar and user storage
"""


def test_the_payload_alone_translates_butane_sugar(payload: Path, tmp_path: Path) -> None:
    """The variant sugar (boot_device mirror, grub.users) is staged and runs at boot:
    the fetched config holds the mirrored root RAID, GRUB's user.cfg and the user's file."""
    site = payload / "usr" / "lib" / "ignition-py"
    assert (site / "ignition_py" / "butane" / "sugar").is_dir()
    cached, loaded = _fetched(payload, tmp_path, SUGAR_CONFIG)
    paths = [f["path"] for f in cached["storage"]["files"]]
    assert paths == ["/boot/grub2/user.cfg", "/etc/from-butane"]
    assert [r["name"] for r in cached["storage"]["raid"]] == ["md-boot", "md-root"]
    assert "ignition_py.butane.sugar.boot_device" in loaded
    assert "ignition_py.butane.sugar.grub" in loaded
    assert "typing" not in loaded  # the Butane path keeps the stage's import budget


def _fetched(payload: Path, tmp_path: Path, config: bytes) -> tuple[Any, list[str]]:
    """The fetch stage of the payload alone on `config`: (the cached config, the modules
    the stage loaded)."""
    modules = tmp_path / "modules.jsonl"
    outcome = run_stages(_agent("payload", payload, tmp_path), tmp_path / "work",
                         ["fetch-offline"], user_config=config,
                         env={"PAYLOAD_MODULES": str(modules)})  # fmt: skip
    assert outcome.returncode == 0, outcome.output
    assert outcome.cached is not None, outcome.output
    (loaded,) = [json.loads(line) for line in modules.read_text().splitlines()]
    return outcome.cached, loaded


def test_the_payload_leaves_out_what_the_agent_never_reads(payload: Path) -> None:
    """Each cut of the initramfs's payload holds: no sources (sourceless byte code), no
    file for a module the interpreter has frozen in (os excepted: its file is the
    standard library's landmark), no fastjsonschema package (the validators are
    generated), no charset_normalizer beside chardet, no certifi bundle that Debian's
    certifi does not point to."""
    lib = payload / "usr" / "lib"
    site = lib / "ignition-py"
    assert [p for p in lib.rglob("*.py")] == []
    assert list(lib.rglob("__pycache__")) == []
    std = lib / "python3.11"
    assert (std / "os.pyc").exists() and (std / "importlib" / "__init__.pyc").exists()
    for frozen in ("codecs.pyc", "abc.pyc", "stat.pyc", "importlib/_bootstrap.pyc"):
        assert not (std / frozen).exists(), frozen
    assert (site / "ignition_py" / "config" / "fastschema" / "v3_6.pyc").exists()
    assert not (site / "fastjsonschema").exists()
    assert (site / "chardet").is_dir() and not (site / "charset_normalizer").exists()
    for unused in ("argparse", "tarfile", "pickle", "statistics", "plistlib", "py_compile",
                   "getpass", "ftplib", "netrc", "lzma", "bz2", "email/policy",
                   "email/generator", "getopt"):  # fmt: skip
        assert not (std / f"{unused}.pyc").exists(), unused
    assert not (std / "importlib" / "metadata").exists()
    assert (std / "_pydecimal.pyc").exists() and not list(std.rglob("_decimal*.so"))
    codecs = {path.stem for path in (std / "encodings").glob("*.pyc")}
    assert codecs >= {"utf_8", "ascii", "latin_1", "idna", "punycode", "aliases"}, codecs
    assert not codecs & {"cp1252", "iso8859_15", "mac_roman", "koi8_r", "shift_jis"}, codecs
    assert not list((site / "urllib3" / "contrib").glob("[ps][yo]*.pyc"))  # pyopenssl, socks
    assert not list(site.glob("importlib_metadata*"))
    for command in ("cli", "plan_cli", "validate_cli", "apply_cli", "apply", "rmcfg_cli"):
        assert not (site / "ignition_py" / f"{command}.pyc").exists(), command
    where = subprocess.run([PYTHON, "-c", "import certifi; print(certifi.where())"],
                           capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    if "/certifi/" not in where:  # Debian's certifi points at the system bundle
        assert not list(site.rglob("cacert.pem")), where
    else:
        assert (site / "certifi" / "cacert.pem").exists(), where


_STARTUP = """
import sys
import ignition_py.engine, requests, jsonschema
print(sys.prefix, requests.__doc__, ignition_py.engine.__doc__, sep="\\n")
print(ignition_py.engine.__file__)
"""


def test_the_interpreter_starts_on_the_payload_alone(payload: Path) -> None:
    """The payload as the initramfs's standard library (PYTHONHOME): the interpreter finds
    it (os.pyc is the landmark), says nothing at start, and the modules import without
    their docstrings."""
    env = {"PYTHONHOME": str(payload / "usr"), "PYTHONPATH": str(payload / "usr/lib/ignition-py"),
           "PATH": "/usr/bin:/bin"}  # fmt: skip
    done = subprocess.run([PYTHON, "-S", "-c", _STARTUP], capture_output=True, text=True,
                          env=env, cwd=payload, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
    prefix, *docs, engine, _ = done.stdout.split("\n")
    assert prefix == str(payload / "usr") and docs == ["None", "None"], done.stdout
    assert Path(engine).is_relative_to(payload), engine


def test_the_payload_alone_lists_every_schema_mismatch(payload: Path, tmp_path: Path) -> None:
    """An invalid config goes through jsonschema's listing (fractions, decimal on
    _pydecimal, the draft metaschemas) and names each path, without a traceback."""
    config = {"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": 7, "mode": "x"}]}}
    modules = tmp_path / "modules.jsonl"
    outcome = run_stages(_agent("payload", payload, tmp_path), tmp_path / "work",
                         ["fetch-offline"], user_config=config,
                         env={"PAYLOAD_MODULES": str(modules)})  # fmt: skip
    assert outcome.returncode == 1, outcome.output
    assert "Traceback" not in outcome.output, outcome.output
    assert "error at $.storage.files.0.path, line 1 col 67" in outcome.output, outcome.output
    assert "error at $.storage.files.0.mode, line 1 col 78" in outcome.output, outcome.output
    (loaded,) = [json.loads(line) for line in modules.read_text().splitlines()]
    assert "jsonschema" in loaded and "_pydecimal" in loaded, loaded


def test_the_payload_alone_runs_the_files_stage(payload: Path, tmp_path: Path) -> None:
    """The files stage from the payload alone (shutil, subprocess, useradd, gzip'ed
    contents, units and presets): everything it imports is staged."""
    root = tmp_path / "root"
    make_root(root)
    gzipped = base64.b64encode(gzip.compress(b"unzipped\n")).decode()
    unit = {"name": "x.service", "enabled": True,
            "contents": "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n",
            "dropins": [{"name": "a.conf", "contents": "[Unit]\n"}]}  # fmt: skip
    config = {
        "ignition": {"version": "3.4.0"},
        "passwd": {"users": [{"name": "tester", "groups": ["testers"]}],
                   "groups": [{"name": "testers"}]},
        "storage": {
            "files": [{"path": "/etc/gz", "mode": 0o600,
                       "contents": {"source": "data:;base64," + gzipped, "compression": "gzip"}}],
            "directories": [{"path": "/var/d"}],
            "links": [{"path": "/etc/l", "target": "/etc/gz"}],
        },
        "systemd": {"units": [unit]},
    }  # fmt: skip
    modules = tmp_path / "modules.jsonl"
    outcome = run_stages(_agent("payload", payload, tmp_path), tmp_path / "work",
                         ["fetch-offline", "files"], root=root, user_config=config,
                         env={"PAYLOAD_MODULES": str(modules)})  # fmt: skip
    assert outcome.returncode == 0, outcome.output
    assert (root / "etc/gz").read_bytes() == b"unzipped\n"
    assert (root / "etc/l").is_symlink() and (root / "var/d").is_dir()
    assert "tester:" in (root / "etc/passwd").read_text()
    assert (root / "etc/systemd/system/x.service.d/a.conf").exists()
    assert "enable x.service" in (root / "etc/systemd/system-preset/20-ignition.preset").read_text()
    files_run = json.loads(modules.read_text().splitlines()[-1])
    # useradd ran through system.commands: posix_spawnp, neither subprocess nor shutil
    assert "ignition_py.system.commands" in files_run, files_run
    assert not {"shutil", "subprocess"} & set(files_run), files_run


LAUNCHER = REPO / "dracut" / "30ignition" / "ignition"


def _payload_paths(payload: Path, text: str) -> str:
    """The launcher script `text` with the payload's trees on sys.path alone."""
    return text.replace('sys.path.insert(0, "/usr/lib/ignition-py")',
                        f"sys.path[:] = {payload_path(payload)!r}")  # fmt: skip


@pytest.mark.parametrize("kind", ["compiled", "script"])
def test_the_warm_up_unit_serves_the_stages_from_the_payload(
    payload: Path, tmp_path: Path, kind: str
) -> None:
    """ignition-py-warm-up.service's command and /usr/bin/ignition (the package's compiled
    launcher, and the module's script), on the payload alone (sourceless byte code): the
    server loads every module warm_up lists and the schema validators, listens, and the
    stages fetch-offline and files run in processes forked from it (its log names each),
    with the outcome of a stage run in place."""
    assert warm_up_command()[:3] == [PYTHON, "-IS", "-c"], warm_up_command()
    socket = tmp_path / "run" / "fork-server.sock"
    code = warm_up_code(
        payload,
        socket,
        "from ignition_py.warm_up import MODULES, load; load()\n"
        "wanted = {*MODULES, 'ignition_py.config.fastschema.v3_4'}\n"
        "print(sorted(wanted - set(sys.modules)), flush=True)\n"
        f"from ignition_py.fork_server import serve; serve({str(socket)!r})",
    )
    before = sorted(p.relative_to(payload) for p in payload.rglob("*"))
    log = tmp_path / "server.log"
    with log.open("w") as errors:
        server = subprocess.Popen(
            [PYTHON, "-IS", "-c", code],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=payload,
            env={"PATH": "/usr/bin:/bin"},
        )  # as run_stages' clients
    try:
        assert server.stdout is not None
        assert server.stdout.readline() == "[]\n", log.read_text()
        for _ in range(600):
            if socket.exists():
                break
            time.sleep(0.05)
        assert socket.exists(), log.read_text()
        launcher = tmp_path / "ignition"
        if kind == "compiled":
            build_launcher(launcher, PYTHON, payload_path(payload))
        else:
            launcher.write_text(_payload_paths(payload, LAUNCHER.read_text()))
            launcher.chmod(0o755)
        root = tmp_path / "root"
        make_root(root)
        served_file = {"path": "/etc/served", "contents": {"source": "data:,x"}}
        unit = {
            "name": "x.service",
            "enabled": True,
            "contents": "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n",
        }
        config = {"ignition": {"version": "3.4.0"}, "passwd": {"users": [{"name": "tester"}]},
                  "storage": {"files": [served_file]}, "systemd": {"units": [unit]}}  # fmt: skip
        outcome = run_stages(launcher, tmp_path / "work", ["fetch-offline", "files"], root=root,
                             user_config=config,
                             env={"IGNITION_PY_FORK_SERVER": str(socket)})  # fmt: skip
        assert outcome.returncode == 0, outcome.output + log.read_text()
        assert (root / "etc/served").read_text() == "x"
        assert "tester:" in (root / "etc/passwd").read_text()  # useradd's status reached us
        assert (
            "enable x.service"
            in (root / "etc/systemd/system-preset/20-ignition.preset").read_text()
        )
        for _ in range(300):  # the server logs each stand-in as the stage starts
            served = [line for line in log.read_text().splitlines() if "stands in" in line]
            if len(served) == 2:
                break
            time.sleep(0.02)
        assert [line.split("(stage ")[1].split(")")[0] for line in served] == [
            "fetch-offline",
            "files",
        ], log.read_text()
    finally:
        server.kill()
        server.wait()
    assert sorted(p.relative_to(payload) for p in payload.rglob("*")) == before
