"""fork_client's reading of a command line and of the kargs stage's cache: whether a
launcher in a mount namespace of its own (ignition-kargs.service) may be served."""

from __future__ import annotations

from pathlib import Path

import pytest

from ignition_py import agent_cli
from ignition_py.fork_client import DEFAULT_CONFIG_CACHE, flag_value, mounts_nothing


@pytest.mark.parametrize(
    ("argv", "value"),
    [
        (["ignition", "--stage=kargs"], "kargs"),
        (["ignition", "-stage", "kargs"], "kargs"),
        (["ignition", "--stage", "files", "-stage=kargs"], "kargs"),  # the last one counts
        (["ignition", "--platform=qemu"], None),
        (["ignition", "--stage"], None),
        (["stage=kargs", "--platform", "x"], None),  # argv[0] is the program
        (["ignition", "--stages=kargs"], None),
    ],
)
def test_flag_value_reads_go_flag_syntax(argv: list[str], value: str | None) -> None:
    assert flag_value(argv, "stage") == value


def test_the_default_cache_is_the_agents() -> None:
    assert agent_cli.FLAGS.flags["config-cache"].default == DEFAULT_CONFIG_CACHE


@pytest.mark.parametrize(
    ("stage", "cache", "expected"),
    [
        ("kargs", '{"ignition": {"version": "3.4.0"}}', True),
        ("files", '{"ignition": {"version": "3.4.0"}}', False),
        ("kargs", '{"ignition": {"version": "3.4.0"}, "kernelArguments": {}}', False),
        ("kargs", '{"ignition": {"version": "3.4.0"}, "kernel\\u0041rguments": {}}', False),
        ("kargs", None, False),  # no cache: the stage fails in place, as it would
    ],
)
def test_only_kargs_without_kernel_arguments_mounts_nothing(
    tmp_path: Path, stage: str, cache: str | None, expected: bool
) -> None:
    path = tmp_path / "ignition.json"
    if cache is not None:
        path.write_text(cache)
    assert mounts_nothing(stage, str(path)) is expected


def test_a_relative_cache_counts_as_naming_kernel_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ignition.json").write_text('{"ignition": {"version": "3.4.0"}}')
    monkeypatch.chdir(tmp_path)
    assert not mounts_nothing("kargs", "ignition.json")
    assert mounts_nothing("kargs", f"{tmp_path}/ignition.json")


def test_no_cache_named_is_the_default_cache() -> None:
    assert mounts_nothing("kargs", None) is mounts_nothing("kargs", DEFAULT_CONFIG_CACHE)
