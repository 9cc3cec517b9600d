"""Users and groups: upstream's exact command lines, with password hashes redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from ignition_py.config.model import Passwd, PasswdGroup, PasswdUser
from ignition_py.files.command_action import CommandAction
from ignition_py.files.home_dirs import HomeDirPermissionsAction, HomesExistAction, under_home
from ignition_py.files.ssh_keys import FRAGMENT_ENV, SSHKeysAction
from ignition_py.files.users import group_command, plan_passwd, user_command
from ignition_py.files.write_context import WriteContext

HASH = "$6$salt$TOPSECRETHASH"


@pytest.fixture
def ctx(tmp_path: Path) -> WriteContext:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("root:x:0:0::/root:/bin/sh\nold:x:5:5::/h:/bin/sh\n")
    (tmp_path / "etc" / "group").write_text("root:x:0:\nold:x:5:\n")
    return WriteContext.at(tmp_path)


def argvs(passwd: Passwd, ctx: WriteContext) -> list[list[str]]:
    return [a.argv for a in plan_passwd(passwd, ctx) if isinstance(a, CommandAction)]


def test_new_user_with_every_field_in_upstream_order() -> None:
    user = PasswdUser(
        name="u", gecos="G", groups=("a", "b"), home_dir="/h/u", no_create_home=True,
        no_log_init=True, no_user_group=True, password_hash=HASH, primary_group="a",
        shell="/bin/zsh", system=True, uid=1234,
    )  # fmt: skip
    assert user_command(user, False, "/r") == [
        "useradd", "--root", "/r", "--home-dir", "/h/u", "--no-create-home",
        "--no-user-group", "--system", "--no-log-init", "--password", HASH, "--uid", "1234",
        "--comment", "G", "--gid", "a", "--groups", "a,b", "--shell", "/bin/zsh", "u",
    ]  # fmt: skip


def test_new_user_defaults_to_a_home_and_a_locked_password() -> None:
    assert user_command(PasswdUser(name="u"), False, "/r") == [
        "useradd", "--root", "/r", "--create-home", "--password", "*", "u",
    ]  # fmt: skip


def test_existing_user_is_modified_and_keeps_its_password() -> None:
    user = PasswdUser(name="u", home_dir="/new", no_create_home=True, system=True, shell="/bin/sh")
    assert user_command(user, True, "/r") == [
        "usermod", "--root", "/r", "--home", "/new", "--move-home", "--shell", "/bin/sh", "u",
    ]  # fmt: skip
    assert user_command(PasswdUser(name="u", password_hash=""), True, "/r")[3:5] == [
        "--password",
        "*",
    ]


def test_groups_get_a_password_only_from_a_hash_and_existing_ones_are_modified() -> None:
    """v2.26.0: no `--password '*'` (groupadd's own default, `!`, stays), groupmod for a
    group the root has (groupadd would fail: it exists), no --system for groupmod."""
    assert group_command(PasswdGroup(name="g"), False, "/r") == ["groupadd", "--root", "/r", "g"]
    assert group_command(PasswdGroup(name="g", password_hash=""), False, "/r")[3:] == ["g"]
    assert group_command(PasswdGroup(name="g", gid=7, system=True), True, "/r") == [
        "groupmod", "--root", "/r", "--gid", "7", "g",
    ]  # fmt: skip
    assert group_command(PasswdGroup(name="g", password_hash=HASH), True, "/r") == [
        "groupmod", "--root", "/r", "--password", HASH, "g",
    ]  # fmt: skip


def test_plan_orders_groups_then_users_and_deletes_only_what_exists(ctx: WriteContext) -> None:
    passwd = Passwd(
        groups=(
            PasswdGroup(name="g", gid=50, password_hash=HASH, system=True),
            PasswdGroup(name="root", gid=0),
            PasswdGroup(name="old", should_exist=False),
            PasswdGroup(name="absent", should_exist=False),
        ),
        users=(
            PasswdUser(name="old", should_exist=False),
            PasswdUser(name="absent", should_exist=False),
            PasswdUser(name="new", password_hash=HASH),
        ),
    )
    root = str(ctx.root)
    assert argvs(passwd, ctx) == [
        ["groupadd", "--root", root, "--gid", "50", "--password", HASH, "--system", "g"],
        ["groupmod", "--root", root, "--gid", "0", "root"],
        ["groupdel", "--root", root, "old"],
        ["userdel", "--remove", "--root", root, "old"],
        ["useradd", "--root", root, "--create-home", "--password", HASH, "new"],
        ["usermod", "--root", root, "--password", HASH, "new"],
    ]


def test_hashes_never_appear_in_descriptions(ctx: WriteContext) -> None:
    passwd = Passwd(
        groups=(PasswdGroup(name="g", password_hash=HASH),),
        users=(PasswdUser(name="new", password_hash=HASH, ssh_authorized_keys=("ssh-ed25519 K",)),),
    )
    descriptions = [a.describe() for a in plan_passwd(passwd, ctx)]
    assert len(descriptions) == 5
    assert all(HASH not in text for text in descriptions)
    assert sum("<redacted>" in text for text in descriptions) == 3


def test_ssh_keys_destination_follows_the_environment(
    ctx: WriteContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    passwd = Passwd(users=(PasswdUser(name="old", ssh_authorized_keys=("k",)),))
    monkeypatch.setenv(FRAGMENT_ENV, "false")
    (action,) = [a for a in plan_passwd(passwd, ctx) if isinstance(a, SSHKeysAction)]
    assert not action.fragment and action.describe().endswith("(~/.ssh/authorized_keys)")
    monkeypatch.setenv(FRAGMENT_ENV, "maybe")
    with pytest.raises(Exception, match="cannot be interpreted as a boolean"):
        plan_passwd(passwd, ctx)


def test_mount_stage_directories_are_handed_over_after_useradd_before_keys(
    ctx: WriteContext,
) -> None:
    passwd = Passwd(
        users=(
            PasswdUser(name="new", password_hash=HASH, ssh_authorized_keys=("k",)),
            PasswdUser(name="old"),
            PasswdUser(name="bare", no_create_home=True),
            PasswdUser(name="gone", should_exist=False),
        )
    )
    notated = ("/home/new", "/home/new/.cache")
    kinds = [type(a).__name__ for a in plan_passwd(passwd, ctx, notated)]
    assert kinds == [
        "CommandAction", "HomeDirPermissionsAction", "CommandAction", "SSHKeysAction",
        "CommandAction", "HomeDirPermissionsAction", "CommandAction", "HomesExistAction",
    ]  # fmt: skip
    assert not any(isinstance(a, HomeDirPermissionsAction) for a in plan_passwd(passwd, ctx))
    (check,) = [a for a in plan_passwd(passwd, ctx) if isinstance(a, HomesExistAction)]
    assert check.users == ("new", "old")


def test_home_rule_is_upstreams_string_prefix() -> None:
    assert under_home("/home/dev", "/home/dev")
    assert under_home("/home/dev/.cache/b", "/home/dev")
    assert not under_home("/home/dev2", "/home/dev")
    assert not under_home("/home", "/home/dev")
