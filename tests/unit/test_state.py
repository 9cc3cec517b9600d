"""The state file as upstream's internal/state writes and reads it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ignition_py.acquire import go_url_path
from ignition_py.errors import IgnitionError
from ignition_py.state import BASE_SYSTEM, FetchedConfig, State, load_state, save_state

EMPTY = (
    '{"fetchedConfigs":null,"luksPersistKeyFiles":null,"notatedDirectories":null,'
    '"providerOutputFiles":null,"luksPersistVolumeKeyFiles":null}\n'
)


def test_an_empty_state_is_written_in_full_as_go_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "run" / "ignition" / "state"
    assert load_state(path) == State()
    save_state(path, State())
    assert path.read_text() == EMPTY
    assert (path.stat().st_mode & 0o777) == 0o600
    assert (path.parent.stat().st_mode & 0o777) == 0o700
    assert os.listdir(path.parent) == ["state"]  # no temporary file left


def test_every_field_round_trips_with_go_escapes_and_sorted_maps(tmp_path: Path) -> None:
    path = tmp_path / "state"
    state = (
        State(provider_output_files=({"path": "/etc/kvp", "mode": 420},))
        .with_fetched(BASE_SYSTEM, FetchedConfig("user", "file"))
        .with_fetched(FetchedConfig("user", "/x?a<b>&c", referenced=True))
        .with_luks_key("root", "data:;base64,AA==")
        .with_luks_key("data", "data:,k")
        .with_notated(("/var", "/var/lib/data", "/var"))
    )
    save_state(path, state)
    assert path.read_text() == (
        '{"fetchedConfigs":[{"kind":"base","source":"system","referenced":false},'
        '{"kind":"user","source":"file","referenced":false},'
        '{"kind":"user","source":"/x?a\\u003cb\\u003e\\u0026c","referenced":true}],'
        '"luksPersistKeyFiles":{"data":"data:,k","root":"data:;base64,AA=="},'
        '"notatedDirectories":["/var","/var/lib/data"],'
        '"providerOutputFiles":[{"path":"/etc/kvp","mode":420}],'
        '"luksPersistVolumeKeyFiles":{}}\n'
    )
    assert load_state(path) == state
    assert state.user_config_provided and not State().with_fetched(BASE_SYSTEM).user_config_provided


def test_the_files_stage_drops_the_keys_and_a_reused_volume_forgets_its_own() -> None:
    state = State().with_luks_key("a", "data:,1").with_luks_key("b", "data:,2")
    assert state.without_luks_key("a").luks_keys == {"b": "data:,2"}
    assert state.without_luks_keys().luks_persist_key_files is None
    assert State().without_luks_key("a") == State()


def test_unknown_keys_are_dropped_and_names_match_case_insensitively(tmp_path: Path) -> None:
    path = tmp_path / "state"
    path.write_text('{"FETCHEDCONFIGS":[{"Kind":"user","source":"a"}],"extra":1}')
    state = load_state(path)
    assert state == State(fetched_configs=(FetchedConfig("user", "a"),))
    path.write_text("null")
    assert load_state(path) == State()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("xx", "parsing state file: Expecting value"),
        ("[]", "parsing state file:"),
        ('{"fetchedConfigs":5}', "parsing state file: fetchedConfigs: not a list of objects"),
        ('{"notatedDirectories":[1]}', "parsing state file: notatedDirectories: not a list"),
        ('{"luksPersistKeyFiles":{"a":1}}', "parsing state file: luksPersistKeyFiles: not an"),
        ('{"fetchedConfigs":[{"referenced":"no"}]}', "parsing state file: fetchedConfigs.ref"),
    ],
)
def test_a_state_that_is_not_one_is_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "state"
    path.write_text(text)
    with pytest.raises(IgnitionError, match="^" + re.escape(message)):
        load_state(path)


def test_an_unreadable_state_is_refused_with_the_path(tmp_path: Path) -> None:
    with pytest.raises(IgnitionError, match=f"reading state file: read {tmp_path}: Is a dir"):
        load_state(tmp_path)


@pytest.mark.parametrize(
    ("source", "recorded"),
    [
        ("http://u:p@example.com/a%20b.ign?token=x", "/a b.ign"),
        ("s3://bucket/key.ign", "/key.ign"),
        ("data:,%7B%7D", ""),
        ("arn:aws:s3:::bucket/key.ign", ""),
        ("tftp://host/x.ign", "/x.ign"),
    ],
)
def test_a_referenced_config_is_recorded_by_its_url_path_as_go_parses_it(
    source: str, recorded: str
) -> None:
    """No query, no user info: what upstream puts in IGNITION_CONFIG_SRC and the state."""
    assert go_url_path(source) == recorded


def test_a_relative_state_file_is_written_beside_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    """`-state-file state` (no directory): the temporary file is made in the working
    directory and renamed over `state`, not made in `/` (on a tmpfs working directory
    that rename would cross filesystems and fail)."""
    import shutil
    import tempfile

    work = Path(tempfile.mkdtemp(dir="/dev/shm"))
    try:
        monkeypatch.chdir(work)
        save_state("state", State())
        assert load_state("state") == State()
        assert sorted(os.listdir(work)) == ["state"]
        save_state("sub/state", State())
        assert sorted(os.listdir(work / "sub")) == ["state"]
        assert oct(os.stat(work / "sub").st_mode & 0o777) == oct(0o700)
    finally:
        shutil.rmtree(work)
