"""The small text formats: result file, crypttab lines, state file, kargs command line."""

from __future__ import annotations

import json

from ignition_py.config.model import (
    Clevis,
    ClevisCustom,
    Config,
    Ignition,
    KernelArguments,
    Luks,
    Tang,
)
from ignition_py.files.crypttab import crypttab_line
from ignition_py.files.result import result_json
from ignition_py.kargs_plan import kargs_command


def test_result_json_matches_go_layout() -> None:
    text = result_json("b-1", "2024-01-02T03:04:05Z", True, None)
    assert text == (
        '{\n  "provisioningBootID": "b-1",\n  "provisioningDate": "2024-01-02T03:04:05Z",\n'
        '  "userConfigProvided": true\n}\n'
    )


def test_previous_report_is_nested_with_sorted_keys_and_go_escapes() -> None:
    previous = {"z": 1, "a": "<&>"}
    data = json.loads(result_json("b", "d", False, previous))
    assert data["previousReport"] == previous
    text = result_json("b", "d", False, previous)
    assert text.index('"a"') < text.index('"z"') and "\\u003c\\u0026\\u003e" in text


def test_crypttab_lines() -> None:
    """As v2.26.0: `NAME UUID=U KEYFILE|none luks[,_netdev]`; discard and the open options
    are never in the line (luksOpen --persistent put them in the header). Ours used to
    append `discard` and the open options."""
    plain = Luks(name="data", device="/dev/vdb", discard=True, open_options=("--perf-x",))
    assert crypttab_line(plain, "U", "/etc/luks/data") == "data UUID=U /etc/luks/data luks\n"
    tang = Luks(
        name="t",
        clevis=Clevis(tang=(Tang(url="http://t"),)),
        discard=True,
        open_options=("--perf-no_read_workqueue", "x"),
    )
    assert crypttab_line(tang, "U", "none") == "t UUID=U none luks,_netdev\n"
    tpm = Luks(name="p", clevis=Clevis(tpm2=True, custom=ClevisCustom(needs_network=False)))
    assert crypttab_line(tpm, "U", "none") == "p UUID=U none luks\n"
    networked = Luks(name="n", clevis=Clevis(custom=ClevisCustom("tang", "{}", True)))
    assert crypttab_line(networked, "U", "none") == "n UUID=U none luks,_netdev\n"


def test_kargs_command_only_when_there_are_arguments() -> None:
    config = Config(ignition=Ignition(version="3.3.0"))
    assert kargs_command(config) is None
    assert kargs_command(Config(kernel_arguments=KernelArguments())) is None
    both = Config(
        kernel_arguments=KernelArguments(should_exist=("a=1", "b"), should_not_exist=("c",))
    )
    assert kargs_command(both) == [
        "ignition-kargs-helper", "--should-exist", "a=1", "--should-exist", "b",
        "--should-not-exist", "c",
    ]  # fmt: skip
