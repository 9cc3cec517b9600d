"""fork_server.kargs_mounts_nothing: whether the fork server may stand in for a launcher
in a mount namespace of its own (ignition-kargs.service: MountFlags=slave). Only the kargs
stage on a config that names no kernel arguments, cache and base configs read as the
stage reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ignition_py.fork_server import kargs_mounts_nothing

NONE = {"ignition": {"version": "3.4.0"}}


def _ask(tmp_path: Path, cache: object, *args: str, stage: str = "kargs") -> bool:
    path = tmp_path / "ignition.json"
    if cache is not None:
        path.write_text(cache if isinstance(cache, str) else json.dumps(cache))
    argv = ["/usr/bin/ignition", "--platform=qemu", f"--stage={stage}",
            f"--config-cache={path}", *args]  # fmt: skip
    environment = {b"IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "system").encode()}
    return kargs_mounts_nothing(argv, environment)


@pytest.mark.parametrize(
    ("cache", "expected"),
    [
        (NONE, True),
        ({**NONE, "kernelArguments": {}}, True),
        ({**NONE, "kernelArguments": {"shouldExist": [], "shouldNotExist": []}}, True),
        ({**NONE, "kernelArguments": {"shouldExist": ["quiet"]}}, False),
        ({**NONE, "kernelArguments": {"shouldNotExist": ["quiet"]}}, False),
        # an escape spells the key as well; non-ASCII text is no reason to decline
        ('{"ignition": {"version": "3.4.0"}, "kernel\\u0041rguments": {"shouldExist": ["q"]}}',
         False),
        ('{"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "/caf\\u00e9"}]}}',
         True),
        ("{not json", False),
        (None, False),  # no cache: the stage fails in its own process, as it would
    ],
)  # fmt: skip
def test_kargs_is_served_only_without_kernel_arguments(
    tmp_path: Path, cache: object, expected: bool
) -> None:
    assert _ask(tmp_path, cache) is expected


def test_other_stages_and_bad_command_lines_are_not(tmp_path: Path) -> None:
    assert not _ask(tmp_path, NONE, stage="files")
    assert not _ask(tmp_path, NONE, "--no-such-flag")
    assert not _ask(tmp_path, NONE, "-help")


def test_the_last_stage_flag_counts_as_the_agent_reads_it(tmp_path: Path) -> None:
    assert _ask(tmp_path, NONE, "--stage=kargs", stage="files")
    assert not _ask(tmp_path, NONE, "--stage=files")


@pytest.mark.parametrize("where", ["base.d", "base.platform.d/qemu"])
def test_a_base_config_keeps_kargs_in_its_namespace(tmp_path: Path, where: str) -> None:
    """The stage merges base configs under the cache (keys in any case): with one, it
    may name kernel arguments, so the server declines whatever it holds."""
    assert _ask(tmp_path, NONE)
    (tmp_path / "system" / where).mkdir(parents=True)
    assert not _ask(tmp_path, NONE)


def test_a_relative_cache_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's working directory is not the client's."""
    (tmp_path / "ignition.json").write_text(json.dumps(NONE))
    monkeypatch.chdir(tmp_path)
    argv = ["/usr/bin/ignition", "--platform=qemu", "--stage=kargs", "--config-cache=ignition.json"]
    assert not kargs_mounts_nothing(argv, {b"IGNITION_SYSTEM_CONFIG_DIR": b"/nonexistent"})
