"""The agent as a boot runs it, stage after stage on one state file: the state file byte
for byte as v2.26.0 writes it, journald entries (priorities, SYSLOG_IDENTIFIER, upstream's
MESSAGE_ID records) without -log-to-stdout, and upstream's exit codes when the state file
cannot be read (3, before anything is done) or written (1)."""

from __future__ import annotations

import json
import os
import subprocess
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.integration.files.safety_support import serving
from tests.integration.files.support import (
    NOT_ROOT,
    OURS,
    make_root,
    run_go,
    run_ours,
    work_dir,
)
from tests.journal_server import JournalServer, journal_server
from tests.oracles import UPSTREAM, require

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)

SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBWn3eYjY2d2lDxiFqLzTgnQXNwbTtnhxx2Eqq9sJgOD a"
REFERENCED = json.dumps({"ignition": {"version": "3.4.0"}})
CONFIGS: dict[str, dict[str, Any]] = {
    "file and user": {
        "ignition": {"version": "3.4.0"},
        "storage": {"files": [{"path": "/etc/motd.d/x", "contents": {"source": "data:,hi"}}]},
        "passwd": {"users": [{"name": "core", "sshAuthorizedKeys": [SSH_KEY]}]},
    },
    "merged reference": {
        "ignition": {
            "version": "3.4.0",
            "config": {"merge": [{"source": "data:," + quote(REFERENCED)}]},
        },
    },
}


def _state_after(agent: str, config: dict[str, Any], work: Path) -> bytes:
    root = work / agent / "root"
    make_root(root)
    scratch = work / agent / "scratch"
    run = run_ours if agent == "ours" else run_go
    kwargs = {} if agent == "ours" else {"agent": UPSTREAM.agent}
    done = run(config, root, scratch, **kwargs)
    assert done.returncode == 0, done.output
    return (scratch / "state").read_bytes()


@pytest.mark.parametrize("name", CONFIGS)
def test_state_after_fetch_offline_and_files_is_v2_26_0s(name: str) -> None:
    require(UPSTREAM)
    with work_dir() as work:
        ours = _state_after("ours", CONFIGS[name], work)
        theirs = _state_after("go", CONFIGS[name], work)
    assert ours == theirs
    assert ours.startswith(b'{"fetchedConfigs":[{"kind":"base","source":"system"')


class _Referenced(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = REFERENCED.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def test_state_after_fetch_offline_fetch_and_files_is_v2_26_0s() -> None:
    """A config that references one over HTTP: fetch-offline records what it had before it
    needed the network, fetch adds it all again, the referenced config by its URL path."""
    require(UPSTREAM)
    with serving(_Referenced) as url:
        config = {
            "ignition": {"version": "3.4.0", "config": {"merge": [{"source": url + "/r.ign"}]}}
        }
        with work_dir() as work:
            ours = _state_after("ours", config, work)
            theirs = _state_after("go", config, work)
    assert ours == theirs
    assert b'{"kind":"user","source":"/r.ign","referenced":true}' in ours


def _agent(
    stage: str, work: Path, *extra: str, env: dict[str, str] | None = None, agent: str = str(OURS)
) -> subprocess.CompletedProcess[str]:
    system = work / "system"
    system.mkdir(exist_ok=True)
    fake_bin = work / "bin"
    fake_bin.mkdir(exist_ok=True)
    (fake_bin / "setfiles").write_text("#!/bin/sh\ncat >/dev/null\n")
    (fake_bin / "setfiles").chmod(0o755)
    environment = {
        "PATH": f"{fake_bin}:{os.environ.get('PATH', '/usr/sbin:/usr/bin')}",
        "IGNITION_SYSTEM_CONFIG_DIR": str(system),
        "IGNITION_CONFIG_FILE": str(work / "user.ign"),
        **(env or {}),
    }
    argv = [agent, "-platform", "file", "-stage", stage, "-root", str(work / "root")]
    argv += ["-config-cache", str(work / "cache.json"), "-neednet", str(work / "neednet")]
    return subprocess.run(
        [*argv, *extra], capture_output=True, text=True, env=environment, timeout=120
    )


def test_without_log_to_stdout_the_stages_log_to_the_journal() -> None:
    with work_dir() as work:
        make_root(work / "root")
        (work / "user.ign").write_text(json.dumps(CONFIGS["file and user"]))
        state = ["-state-file", str(work / "state")]
        with journal_server(work) as server:
            offline = _agent("fetch-offline", work, *state, env=server.env)
            fetched = server.entries()
            files = _agent("files", work, *state, env=server.env)
            written = server.entries()
            (work / "state").write_text("xx")
            failed = _agent("files", work, *state, env=server.env)
            refused = server.entries()
    assert offline.returncode == 0 and files.returncode == 0, offline.stdout + files.stdout
    assert offline.stdout == files.stdout == ""
    for entries, stage in ((fetched, "fetch-offline"), (written, "files")):
        assert entries[0]["MESSAGE"].startswith("Ignition ignition-py ")
        assert entries[1]["MESSAGE"] == f"Stage: {stage}"
        assert entries[-1]["MESSAGE"] == "Ignition finished successfully"
        assert {e["SYSLOG_IDENTIFIER"] for e in entries} == {"ignition"}
        assert {e["PRIORITY"] for e in entries} <= {"6", "7"}  # info and debug only
    records = [
        (e["IGNITION_CONFIG_TYPE"], e["IGNITION_CONFIG_SRC"], e["IGNITION_CONFIG_REFERENCED"])
        for e in fetched
        if e.get("MESSAGE_ID") == "57124006b5c94805b77ce473e92a8aeb"
    ]
    assert records == [("base", "system", "false"), ("user", "file", "false")]
    (keys,) = [e for e in written if e.get("MESSAGE_ID") == "225067b87bbd4a0cb6ab151f82fa364b"]
    assert keys["IGNITION_USER_NAME"] == "core"
    assert keys["IGNITION_PATH"] == f"{work}/root/home/core/.ssh/authorized_keys.d/ignition"
    assert SSH_KEY not in json.dumps(fetched + written)
    # what `journalctl -t ignition -p warning` shows of a stage that could not start
    assert failed.returncode == 3
    assert [(e["PRIORITY"], e["MESSAGE"]) for e in refused if e["PRIORITY"] <= "4"] == [
        ("2", "reading state: parsing state file: Expecting value: line 1 column 1 (char 0)")
    ]


def _records(entries: list[dict[str, str]], root: Path) -> list[dict[str, str]]:
    """The MESSAGE_ID records, the root's own path taken out of IGNITION_PATH."""
    found = []
    for entry in entries:
        if "MESSAGE_ID" in entry:
            kept = {k: v for k, v in entry.items() if k != "SYSLOG_IDENTIFIER"}
            if "IGNITION_PATH" in kept:
                kept["IGNITION_PATH"] = kept["IGNITION_PATH"].replace(str(root), "ROOT")
            found.append(kept)
    return found


def test_the_message_id_records_are_v2_26_0s() -> None:
    """v2.26.0 sends its records to /run/systemd/journal/socket, whatever the flags: run in
    a mount namespace where that is the test's socket, it sends them to the test."""
    require(UPSTREAM)
    got = {}
    for name in ("ours", "upstream"):
        with work_dir() as work:
            make_root(work / "root")
            (work / "user.ign").write_text(json.dumps(CONFIGS["file and user"]))
            (work / "systemd/journal").mkdir(parents=True)
            agent = str(OURS)
            if name == "upstream":
                Path("/run/systemd").mkdir(exist_ok=True)
                agent = str(work / "upstream-agent")
                Path(agent).write_text(
                    "#!/bin/sh\n"
                    f"exec unshare --mount sh -c 'mount --bind {work / 'systemd'} /run/systemd"
                    f' && exec "$@"\' sh {UPSTREAM.agent} "$@"\n'
                )
                Path(agent).chmod(0o755)
            with JournalServer(work / "systemd/journal/socket") as server:
                entries = []
                for stage in ("fetch-offline", "files"):
                    done = _agent(stage, work, "-state-file", str(work / "state"),
                                  "-log-to-stdout", env=server.env, agent=agent)  # fmt: skip
                    assert done.returncode == 0, done.stdout + done.stderr
                    entries += server.entries()
            got[name] = _records(entries, work / "root")
    assert got["ours"] == got["upstream"]
    assert len(got["ours"]) == 3  # base and user configs, core's keys


BAD_STATES = {
    "not JSON": "xx",
    "wrong type": '{"fetchedConfigs":5}',
    "an array": "[]",
    "a directory": None,
}


@pytest.mark.parametrize("stage", ["fetch-offline", "kargs", "files"])
@pytest.mark.parametrize("bad", BAD_STATES)
def test_an_unreadable_state_exits_3_before_anything_as_v2_26_0(stage: str, bad: str) -> None:
    require(UPSTREAM)
    results = {}
    for agent in (str(OURS), str(UPSTREAM.agent)):
        with work_dir() as work:
            make_root(work / "root")
            (work / "user.ign").write_text(json.dumps(CONFIGS["file and user"]))
            if stage != "fetch-offline":
                assert _agent("fetch-offline", work, "-state-file", str(work / "ok"),
                              agent=agent).returncode == 0  # fmt: skip
            state = work / "state"
            text = BAD_STATES[bad]
            if text is None:
                state.mkdir()
            else:
                state.write_text(text)
            (work / "system").mkdir(exist_ok=True)
            (work / "bin").mkdir(exist_ok=True)
            before = sorted(p.name for p in work.iterdir())
            done = _agent(stage, work, "-state-file", str(state), "-log-to-stdout", agent=agent)
            results[agent] = done.returncode
            assert "reading state: " in done.stdout, done.stdout
            assert sorted(p.name for p in work.iterdir()) == before
            assert not (work / "root/etc/motd.d").exists()
            assert "Traceback" not in done.stdout + done.stderr
    assert results == {str(OURS): 3, str(UPSTREAM.agent): 3}


def test_a_state_that_cannot_be_written_fails_the_stage_as_v2_26_0() -> None:
    require(UPSTREAM)
    results = {}
    for agent in (str(OURS), str(UPSTREAM.agent)):
        with work_dir() as work:
            (work / "user.ign").write_text(json.dumps({"ignition": {"version": "3.4.0"}}))
            state = "/proc/ignition-py-absent/state"  # reads as absent, cannot be created
            done = _agent("fetch-offline", work, "-state-file", state, "-log-to-stdout",
                          agent=agent)  # fmt: skip
            results[agent] = done.returncode
            assert "CRITICAL : writing state: " in done.stdout, done.stdout
            assert "Ignition finished successfully" not in done.stdout
    assert results == {str(OURS): 1, str(UPSTREAM.agent): 1}
