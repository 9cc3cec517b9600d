"""Rules the schema cannot express, one module per part of the spec.

Paths, messages and severities follow upstream v2.26.0's validators, for every spec
version (where older Go Ignition releases judged a spec differently, v2.26.0 wins).
"""

from __future__ import annotations

from ..model import Config
from ..report import Entry
from ..versions import Version
from . import messages
from .duplicates import check_duplicates
from .nodes import check_nodes, check_unit_conflicts
from .problems import Problems
from .resources import check_ignition
from .safety import check_safety
from .storage import check_storage_devices
from .systemd import check_systemd


def check_semantics(config: Config, version: Version) -> list[Entry]:
    """The semantic checks of upstream's validate (everything a config can get wrong once it
    decodes) for `config` read as spec `version`, plus ignition-py's safety refusals: a list of
    error and warning entries, each with its JSON path. Raises nothing."""
    problems = Problems(version)
    check_unit_conflicts(config, problems)
    check_ignition(config.ignition, ("ignition",), problems)
    if config.passwd is not None:
        names = [("users", i, u.name) for i, u in enumerate(config.passwd.users)]
        names += [("groups", i, g.name) for i, g in enumerate(config.passwd.groups)]
        for key, i, name in names:
            if not name:
                problems.warning(("passwd", key, i, "name"), messages.EMPTY_NAME)
    if config.storage is not None:
        check_nodes(config.storage, ("storage",), problems)
        check_storage_devices(config.storage, ("storage",), problems)
    if config.systemd is not None:
        check_systemd(config.systemd, ("systemd",), problems)
    check_duplicates(config, problems)
    check_safety(config, problems)
    return problems.entries
