"""The files stage's plan, in upstream's order: groups and users, then directories, files
and links, then systemd units and presets, then crypttab and key files, then the result
file, then SELinux relabelling, then one sync of the root's filesystem. Planning only
reads the root; every change is an action."""

from __future__ import annotations

from ..config.model import Config
from ..plan_tools import check_tools
from ..resources.contents import Fetch, needs_fetch
from ..stage import Action, StageContext
from .ordering import plan_entries
from .result import ResultFileAction
from .sync import SyncAction
from .write_context import WriteContext


def _needs_fetcher(config: Config) -> bool:
    storage = config.storage
    if storage is None:
        return False
    sources = [f.contents.source for f in storage.files if f.contents]
    sources += [item.source for f in storage.files for item in f.append]
    return any(needs_fetch(source) for source in sources)


def plan_files(config: Config, context: StageContext) -> list[Action]:
    """The files stage's actions for `config` (see the module docstring for their order). Reads
    the root only; raises IgnitionError (or MissingToolError) for a config the stage cannot
    apply, before anything is written."""

    def make_fetcher() -> Fetch | None:
        if not _needs_fetcher(config):
            return None
        from ..providers import fetcher_for_config

        return fetcher_for_config(config, context.log, context.options.platform)

    ctx = WriteContext.at(context.options.root, make_fetcher)
    actions: list[Action] = []
    # each stage is its own process: import only what this config needs
    if config.passwd is not None:
        from .users import plan_passwd

        notated = context.state.notated_directories or ()
        actions += plan_passwd(config.passwd, ctx, notated)
    entries = plan_entries(config.storage, ctx)
    if actions:
        ctx.reshaped()  # users and groups run first and may change the tree
    actions += entries
    if config.systemd is not None:
        from .units import plan_units

        actions += plan_units(config.systemd, ctx)
    if config.storage is not None and config.storage.luks:
        from .crypttab import plan_crypttab

        actions.append(
            plan_crypttab(ctx, config.storage.luks, context.state, context.options.state_file)
        )
    actions.append(ResultFileAction(ctx, context.state.user_config_provided))
    from .relabel import plan_relabel

    actions += plan_relabel(config, ctx)
    actions.append(SyncAction(ctx))
    check_tools(_tool_needs(config, actions))  # every program, before the first write
    return actions


def _tool_needs(config: Config, actions: list[Action]) -> dict[str, str]:
    """The programs the actions will run, each with the config section that needs it."""
    from .command_action import CommandAction

    needs: dict[str, str] = {}
    for action in actions:
        if isinstance(action, CommandAction):
            tool = action.argv[0]
            section = "users" if tool.startswith("user") else "groups"
            needs.setdefault(tool, f"$.passwd.{section}")
    if config.storage is not None and config.storage.luks:
        needs.setdefault("cryptsetup", "$.storage.luks")
    return needs
