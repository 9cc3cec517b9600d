"""The files plan works from the state the stage began with (StageContext.state), never
rereading the state file: here the file on disk says the opposite of the context, and the
plan must follow the context. The crypttab key files and lines are decided in the plan; no
device is asked anything until apply."""

from __future__ import annotations

from pathlib import Path

import pytest

from ignition_py.config.model import Clevis, Config, Ignition, Luks, Storage, Tang
from ignition_py.errors import IgnitionError
from ignition_py.files.crypttab import CrypttabAction, plan_crypttab
from ignition_py.files.plan import plan_files
from ignition_py.files.result import ResultFileAction
from ignition_py.files.write_context import WriteContext
from ignition_py.log import Logger
from ignition_py.stage import StageContext, StageOptions
from ignition_py.state import FetchedConfig, State, save_state

KEY_URL = "data:;base64,c2VjcmV0"
DATA = Luks(name="data", device="/dev/vdb", discard=True)
TANG = Luks(name="tangvol", device="/dev/vdc", clevis=Clevis(tang=(Tang(url="http://t"),)))


def context(root: Path, state: State) -> StageContext:
    options = StageOptions("file", str(root), "", 120.0, "", str(root / "state"), True)
    return StageContext(options, Logger("test", to_stdout=True), state)


def test_plan_follows_the_context_state_not_the_file(tmp_path: Path) -> None:
    # the file claims a user config and a key; the context (the stage's start) has neither
    on_disk = State(fetched_configs=(FetchedConfig("user", "file"),))
    save_state(tmp_path / "state", on_disk.with_luks_key("data", KEY_URL))
    config = Config(ignition=Ignition(version="3.4.0"), storage=Storage(luks=(DATA,)))
    with pytest.raises(
        IgnitionError, match=r"^creating crypttab entries: missing persisted keyfile for data$"
    ):
        plan_files(config, context(tmp_path, State()))
    config = Config(ignition=Ignition(version="3.4.0"), storage=Storage(luks=(TANG,)))
    actions = plan_files(config, context(tmp_path, State()))
    crypttab = next(a for a in actions if isinstance(a, CrypttabAction))
    result = next(a for a in actions if isinstance(a, ResultFileAction))
    assert crypttab.key_files == () and crypttab.entries[0].key_file == "none"
    assert not crypttab.drop_keys
    assert result.user_config_provided is False
    with_user = context(tmp_path, State(fetched_configs=(FetchedConfig("user", "file"),)))
    result = next(a for a in plan_files(config, with_user) if isinstance(a, ResultFileAction))
    assert result.user_config_provided is True


def test_crypttab_plan_decides_key_files_and_lines(tmp_path: Path) -> None:
    state = State().with_luks_key("data", KEY_URL)
    action = plan_crypttab(WriteContext.at(tmp_path), (DATA, TANG), state, str(tmp_path / "state"))
    assert [node.path for node in action.key_files] == ["/etc/luks/data"]
    assert action.key_files[0].mode == 0o600
    contents = action.key_files[0].contents
    assert contents is not None and contents.source == KEY_URL
    assert [entry.line("U") for entry in action.entries] == [
        "data UUID=U /etc/luks/data luks\n",  # discard is in the header (luksOpen --persistent)
        "tangvol UUID=U none luks,_netdev\n",
    ]
    assert [entry.device for entry in action.entries] == ["/dev/vdb", "/dev/vdc"]
    assert action.drop_keys
    assert KEY_URL not in action.describe()


def test_a_clevis_volume_never_gets_a_key_file_even_with_its_key_in_the_state(
    tmp_path: Path,
) -> None:
    """v2.26.0 keeps a clevis volume's keyFile key in the state (only a generated one is
    dropped), yet its crypttab line says none and no /etc/luks file is written."""
    state = State().with_luks_key("data", KEY_URL).with_luks_key("tangvol", KEY_URL)
    action = plan_crypttab(WriteContext.at(tmp_path), (DATA, TANG), state, str(tmp_path / "state"))
    assert [node.path for node in action.key_files] == ["/etc/luks/data"]
    assert action.entries[1].key_file == "none"


def test_no_action_of_the_plan_shows_a_key_in_its_repr(tmp_path: Path) -> None:
    """The key file's data URL sits in CrypttabAction.key_files (and the state): their
    reprs used to print it."""
    state = State(fetched_configs=(FetchedConfig("user", "file"),)).with_luks_key("data", KEY_URL)
    config = Config(ignition=Ignition(version="3.4.0"), storage=Storage(luks=(DATA, TANG)))
    actions = plan_files(config, context(tmp_path, state))
    assert any(isinstance(action, CrypttabAction) for action in actions)
    for shown in [repr(state), *(repr(action) for action in actions)]:
        assert "c2VjcmV0" not in shown, shown
    assert "'data'" in repr(state)  # the volume's name still shows
