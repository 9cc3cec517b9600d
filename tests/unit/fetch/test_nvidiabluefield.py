"""nvidiabluefield: the config is read from the first non-empty bootfifo, its NUL padding
trimmed; missing, empty and unreadable fifos are skipped as upstream skips them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ignition_py.log import Logger
from ignition_py.providers.nvidiabluefield import read_bootfifo
from ignition_py.resources.stream import CONFIG_SIZE_LIMIT, TooLargeError


def _log() -> tuple[Logger, io.StringIO]:
    stream = io.StringIO()
    return Logger("test", stream=stream), stream


def test_the_first_non_empty_fifo_gives_the_config_without_nul_padding(tmp_path: Path) -> None:
    empty, full = tmp_path / "empty", tmp_path / "full"
    empty.write_bytes(b"")
    full.write_bytes(b'\0\0{"ignition": {"version": "3.4.0"}}\0\0\0')
    log, said = _log()
    config = read_bootfifo([tmp_path / "missing", empty, full], log)
    assert config == b'{"ignition": {"version": "3.4.0"}}'
    assert f"{empty} is empty" in said.getvalue()


def test_no_fifo_with_a_config_is_no_config(tmp_path: Path) -> None:
    log, said = _log()
    assert read_bootfifo([tmp_path / "missing"], log) == b""
    assert "No config found in any of the NVIDIA BlueField bootfifo interfaces" in said.getvalue()


def test_an_unreadable_fifo_is_logged_and_skipped(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    log, said = _log()
    assert read_bootfifo([directory], log) == b""
    assert f"Could not read bootfifo at {directory}" in said.getvalue()


def test_a_fifo_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big"
    with big.open("wb") as handle:
        handle.truncate(CONFIG_SIZE_LIMIT + 1)
    with pytest.raises(TooLargeError):
        read_bootfifo([big], _log()[0])
