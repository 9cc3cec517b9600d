"""The kargs stage's plan: hands the config's kernel arguments to the distribution's
helper, exactly as upstream: `ignition-kargs-helper --should-exist A ... --should-not-exist
B ...`, and only when the config names any."""

from __future__ import annotations

from .config.model import Config
from .stage import Action, StageContext

KARGS_HELPER = "ignition-kargs-helper"


def kargs_command(config: Config) -> list[str] | None:
    """The helper's argv, or None when the config names no kernel argument."""
    kargs = config.kernel_arguments
    if kargs is None or not (kargs.should_exist or kargs.should_not_exist):
        return None
    argv = [KARGS_HELPER]
    for argument in kargs.should_exist:
        argv += ["--should-exist", argument]
    for argument in kargs.should_not_exist:
        argv += ["--should-not-exist", argument]
    return argv


def plan_kargs(config: Config, context: StageContext) -> list[Action]:
    """The kargs stage's actions: one command, or none when there are no arguments."""
    argv = kargs_command(config)
    if argv is None:
        return []
    from .files.command_action import CommandAction

    return [CommandAction("updating kernel arguments", argv)]
