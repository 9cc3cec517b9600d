"""Groups, then users, with upstream's exact groupadd/groupmod/useradd/usermod/userdel/
groupdel command lines (`--root` the root). A group that exists is modified (groupmod),
one that does not is added (groupadd); either gets `--password` only when the config gives
a non-empty hash, so a new group gets groupadd's own default. New users get the locked
password `*` unless the config gives a hash; existing users are modified; `shouldExist:
false` removes. After each user, mount-stage directories in its home become the user's.
Password hashes are passed as arguments (as upstream does) and shown as <redacted> in every
log. A user or group name starting with `-` is refused before anything runs: the tools
would take it as an option (`useradd --help` exits 0)."""

from __future__ import annotations

from ..config.model import Passwd, PasswdGroup, PasswdUser
from ..frozen import replace
from ..stage import Action
from .command_action import CommandAction, operand
from .home_dirs import HomeDirPermissionsAction, HomesExistAction
from .ssh_keys import SSHKeysAction, write_fragment_enabled
from .write_context import WriteContext

LOCKED = "*"


def plan_passwd(
    passwd: Passwd | None, ctx: WriteContext, notated: tuple[str, ...] = ()
) -> list[Action]:
    """The users and groups actions; `notated` are the directories the mount stage made."""
    if passwd is None:
        return []
    actions: list[Action] = []
    for index, group in enumerate(passwd.groups):
        operand(group.name, f"passwd.groups.{index}.name")
    for index, user in enumerate(passwd.users):
        operand(user.name, f"passwd.users.{index}.name")
    groups = ctx.accounts.groups()
    for group in passwd.groups:
        actions.extend(_group_actions(group, group.name in groups, str(ctx.root)))
    users = ctx.accounts.users()
    fragment = (
        write_fragment_enabled() if any(u.ssh_authorized_keys for u in passwd.users) else True
    )
    for user in passwd.users:
        actions.extend(_user_actions(user, user.name in users, ctx, fragment, notated))
    homes = [u.name for u in passwd.users if u.should_exist is not False and not u.no_create_home]
    if homes:
        actions.append(HomesExistAction(ctx, tuple(homes)))
    # useradd may make links (from /etc/skel) or remove a home: what was resolved is stale
    return [
        replace(action, after=ctx.reshaped) if isinstance(action, CommandAction) else action
        for action in actions
    ]


def group_command(group: PasswdGroup, exists: bool, root: str) -> list[str]:
    """groupmod (existing) or groupadd (new) with upstream's flags, in upstream's order."""
    argv = ["groupmod" if exists else "groupadd", "--root", root]
    if group.gid is not None:
        argv += ["--gid", str(group.gid)]
    if group.password_hash:
        argv += ["--password", group.password_hash]
    if group.system and not exists:
        argv.append("--system")
    argv.append(group.name)
    return argv


def _group_actions(group: PasswdGroup, exists: bool, root: str) -> list[Action]:
    if group.should_exist is False:
        if not exists:
            return []
        return [
            CommandAction(
                f'deleting group "{group.name}"', ["groupdel", "--root", root, group.name]
            )
        ]
    verb = "modifying" if exists else "adding"
    secret = [group.password_hash] if group.password_hash else []
    argv = group_command(group, exists, root)
    return [CommandAction(f'{verb} group "{group.name}"', argv, secret)]


def user_command(user: PasswdUser, exists: bool, root: str) -> list[str]:
    """useradd (new) or usermod (existing) with upstream's flags, in upstream's order."""
    argv = ["usermod" if exists else "useradd", "--root", root]
    if exists:
        if user.home_dir:
            argv += ["--home", user.home_dir, "--move-home"]
    else:
        if user.home_dir:
            argv += ["--home-dir", user.home_dir]
        argv.append("--no-create-home" if user.no_create_home else "--create-home")
        if user.no_user_group:
            argv.append("--no-user-group")
        if user.system:
            argv.append("--system")
        if user.no_log_init:
            argv.append("--no-log-init")
    if user.password_hash is not None:
        argv += ["--password", user.password_hash or LOCKED]
    elif not exists:
        argv += ["--password", LOCKED]
    if user.uid is not None:
        argv += ["--uid", str(user.uid)]
    if user.gecos:
        argv += ["--comment", user.gecos]
    if user.primary_group:
        argv += ["--gid", user.primary_group]
    if user.groups:
        argv += ["--groups", ",".join(user.groups)]
    if user.shell:
        argv += ["--shell", user.shell]
    argv.append(user.name)
    return argv


def _user_actions(
    user: PasswdUser, exists: bool, ctx: WriteContext, fragment: bool, notated: tuple[str, ...]
) -> list[Action]:
    root = str(ctx.root)
    name = user.name
    if user.should_exist is False:
        if not exists:
            return []
        return [
            CommandAction(f'deleting user "{name}"', ["userdel", "--remove", "--root", root, name])
        ]
    secret = [user.password_hash] if user.password_hash else []
    verb = "modifying" if exists else "creating"
    actions: list[Action] = [
        CommandAction(f'{verb} user "{name}"', user_command(user, exists, root), secret)
    ]
    if notated and not user.no_create_home:
        actions.append(HomeDirPermissionsAction(ctx, name, notated))
    if user.password_hash is not None:
        argv = ["usermod", "--root", root, "--password", user.password_hash or LOCKED, name]
        actions.append(CommandAction(f'setting password for "{name}"', argv, secret))
    if user.ssh_authorized_keys:
        actions.append(SSHKeysAction(ctx, name, user.ssh_authorized_keys, fragment))
    return actions
