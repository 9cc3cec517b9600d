"""The qemu provider reading a sysfs-shaped fw_cfg directory, including a 4 MiB config
and a raw file that hands out one page per read() as the kernel's sysfs does."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from ignition_py.errors import ConfigError
from ignition_py.log import Logger
from ignition_py.providers.qemu import ENTRY, read_fw_cfg_config
from testkit.flavour import flavour_env

LOG = Logger("test", to_stdout=True)


def fw_cfg_dir(tmp_path: Path, blob: bytes, size: int | None = None) -> Path:
    entry = tmp_path / ENTRY
    entry.mkdir(parents=True)
    (entry / "raw").write_bytes(blob)
    (entry / "size").write_text(f"{len(blob) if size is None else size}\n")
    return tmp_path


def big_config(size: int) -> bytes:
    filler = "x" * (size - 200)
    config = {"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "/f" + filler}]}}
    return json.dumps(config).encode()


def test_missing_entry_is_an_empty_config(tmp_path: Path) -> None:
    assert read_fw_cfg_config(tmp_path, LOG) == b""


def test_small_config(tmp_path: Path) -> None:
    blob = b'{"ignition":{"version":"3.0.0"}}'
    assert read_fw_cfg_config(fw_cfg_dir(tmp_path, blob), LOG) == blob


def test_four_mib_config_reads_whole_and_fast(tmp_path: Path) -> None:
    blob = big_config(4 * 1024 * 1024)
    root = fw_cfg_dir(tmp_path, blob)
    started = time.perf_counter()
    assert read_fw_cfg_config(root, LOG) == blob
    assert time.perf_counter() - started < 1.0


def test_page_sized_reads_are_assembled_without_recopying(tmp_path: Path) -> None:
    """Like sysfs, the FIFO hands out at most a page per read; the reader fills one
    preallocated buffer in place."""
    blob = big_config(1024 * 1024)
    entry = tmp_path / ENTRY
    entry.mkdir(parents=True)
    (entry / "size").write_text(str(len(blob)))
    os.mkfifo(entry / "raw")

    def writer() -> None:
        with open(entry / "raw", "wb", buffering=0) as pipe:
            for start in range(0, len(blob), 4096):
                pipe.write(blob[start : start + 4096])

    thread = threading.Thread(target=writer)
    thread.start()
    assert read_fw_cfg_config(tmp_path, LOG) == blob
    thread.join()


def test_blob_shorter_than_announced_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ended after 3 of 10 bytes"):
        read_fw_cfg_config(fw_cfg_dir(tmp_path, b"{}\n", size=10), LOG)


def test_blob_longer_than_announced_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing EOF"):
        read_fw_cfg_config(fw_cfg_dir(tmp_path, b"{}{}{}", size=2), LOG)


@pytest.mark.parametrize("flavour", ["flatcar", ""])
def test_flatcar_entry_is_read_and_comes_first_in_the_flatcar_flavour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flavour: str
) -> None:
    from ignition_py.providers.qemu import FLATCAR_ENTRY

    for key, value in flavour_env(tmp_path / "etc", flavour).items():
        monkeypatch.setenv(key, value)
    fw_cfg = tmp_path / "fw_cfg"
    flatcar = b'{"ignition":{"version":"3.4.0"}}'
    entry = fw_cfg / FLATCAR_ENTRY
    entry.mkdir(parents=True)
    (entry / "raw").write_bytes(flatcar)
    (entry / "size").write_text(f"{len(flatcar)}\n")
    assert read_fw_cfg_config(fw_cfg, LOG) == (flatcar if flavour else b"")
    coreos = b'{"ignition":{"version":"3.0.0"}}'
    fw_cfg_dir(fw_cfg, coreos)
    assert read_fw_cfg_config(fw_cfg, LOG) == (flatcar if flavour else coreos)
