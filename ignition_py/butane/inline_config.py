"""Butane's check of an Ignition config given inline for `ignition.config.merge` or
`replace` (base 0.2 and later, ValidateIgnitionConfig): it must be JSON; a config of
another spec version than the one Butane emits is not checked (a warning says so); one
of the same version is checked as Ignition checks it, its problems named by the inline
config's own JSON paths (as Butane names them)."""

from __future__ import annotations

import json

from ..config.parse import parse_config
from .problems import Problem, Problems, YamlPath

NOT_VALID = "config is not valid"
UNKNOWN_VERSION = (
    "skipping validation for the merge/replace ignition config due to an unkown version"
)
NO_VERSION = "invalid config version (couldn't parse)"


def check_inline_config(text: str, spec: str, where: YamlPath, problems: Problems) -> bool:
    """Check the inline config at YAML path `where` (the resource) for a Butane config
    emitting spec `spec`; False when it is not JSON (the error is reported)."""
    try:
        tree = json.loads(text)
    except ValueError:
        problems.error((*where, "inline"), NOT_VALID)
        return False
    ignition = tree.get("ignition") if isinstance(tree, dict) else None
    version = ignition.get("version") if isinstance(ignition, dict) else None
    if not isinstance(version, str) or not version:
        problems.items.append(Problem("error", ("ignition", "version"), NO_VERSION, within=where))
        return True
    if version != spec:
        problems.warning((*where, "version"), UNKNOWN_VERSION)
        return True
    for entry in parse_config(text).report:
        problem = Problem(entry.severity.value, entry.path or (), entry.message, within=where)
        problems.items.append(problem)
    return True
