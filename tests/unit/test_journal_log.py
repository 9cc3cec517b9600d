"""The logger against a journal socket of the test's own (journald's native protocol),
and its fallback to stdout when there is none, as upstream falls back from syslog."""

from __future__ import annotations

from pathlib import Path

import pytest

from ignition_py.log import Logger
from ignition_py.log_journal import SOCKET_ENV
from ignition_py.log_records import (
    FETCHED_CONFIG_ID,
    SSH_KEYS_WRITTEN_ID,
    fetched_config,
    ssh_keys_written,
)
from ignition_py.state import FetchedConfig
from tests.journal_server import journal_server


def test_lines_reach_the_journal_with_priority_and_identifier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with journal_server(tmp_path) as server:
        monkeypatch.setenv(SOCKET_ENV, str(server.path))
        log = Logger("files", to_stdout=False)
        log.warning("a warning")
        log.critical("two\nlines")
        with pytest.raises(OSError), log.op("writing x"):
            raise OSError("boom")
        entries = server.entries()
    assert capsys.readouterr().out == ""
    assert [(e["PRIORITY"], e["MESSAGE"]) for e in entries] == [
        ("4", "files: a warning"),
        ("2", "files: two\nlines"),
        ("6", "files: op(1): [started]  writing x"),
        ("2", "files: op(1): [failed]   writing x: boom"),
    ]
    assert {e["SYSLOG_IDENTIFIER"] for e in entries} == {"ignition"}


def test_an_entry_too_large_for_a_datagram_goes_as_a_memfd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with journal_server(tmp_path) as server:
        monkeypatch.setenv(SOCKET_ENV, str(server.path))
        message = "x" * (3 << 20)
        Logger(to_stdout=False).info(message)
        (entry,) = server.entries()
    assert entry["MESSAGE"] == message and entry["PRIORITY"] == "6"


def test_without_a_journal_socket_it_logs_to_stdout_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(SOCKET_ENV, str(tmp_path / "absent.socket"))
    log = Logger("disks", to_stdout=False)
    log.warning("still shown")
    fetched_config(log, FetchedConfig("user", "file"))  # no journal: no record, no line
    assert capsys.readouterr().out.splitlines() == [
        "ERROR    : disks: unable to open journal: No such file or directory",
        "WARNING  : disks: still shown",
    ]


def test_records_carry_upstreams_message_ids_and_fields_even_with_log_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with journal_server(tmp_path) as server:
        monkeypatch.setenv(SOCKET_ENV, str(server.path))
        log = Logger("files", to_stdout=True)
        fetched_config(log, FetchedConfig("base", "system"))
        fetched_config(log, FetchedConfig("user", "/a b.ign", referenced=True))
        ssh_keys_written(log, "core", "/sysroot/home/core/.ssh/authorized_keys.d/ignition")
        entries = server.entries()
    assert capsys.readouterr().out == ""
    assert entries[0] == {
        "MESSAGE": 'fetched base config from "system"',
        "PRIORITY": "6",
        "SYSLOG_IDENTIFIER": "ignition",
        "IGNITION_CONFIG_TYPE": "base",
        "IGNITION_CONFIG_SRC": "system",
        "IGNITION_CONFIG_REFERENCED": "false",
        "MESSAGE_ID": FETCHED_CONFIG_ID,
    }
    assert entries[1]["MESSAGE"] == 'fetched referenced user config from "/a b.ign"'
    assert entries[1]["IGNITION_CONFIG_REFERENCED"] == "true"
    assert entries[2] == {
        "MESSAGE": "wrote ssh authorized keys file for user: core",
        "PRIORITY": "6",
        "SYSLOG_IDENTIFIER": "ignition",
        "IGNITION_USER_NAME": "core",
        "IGNITION_PATH": "/sysroot/home/core/.ssh/authorized_keys.d/ignition",
        "MESSAGE_ID": SSH_KEYS_WRITTEN_ID,
    }
    assert FETCHED_CONFIG_ID == "57124006b5c94805b77ce473e92a8aeb"
    assert SSH_KEYS_WRITTEN_ID == "225067b87bbd4a0cb6ab151f82fa364b"


def test_a_stream_logger_sends_no_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    with journal_server(tmp_path) as server:
        monkeypatch.setenv(SOCKET_ENV, str(server.path))
        ssh_keys_written(Logger("plan", stream=io.StringIO()), "core", "/p")
        assert server.entries() == []
