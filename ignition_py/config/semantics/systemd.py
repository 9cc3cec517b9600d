"""Rules of systemd units and dropins, including a unit-file reader that fails where
upstream's (go-systemd's unit.Deserialize) fails."""

from __future__ import annotations

import re

from ..model import Systemd
from ..report import JsonPath
from . import messages
from .problems import Problems

UNIT_SUFFIXES = frozenset(
    {
        ".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target",
        ".path", ".timer", ".snapshot", ".slice", ".scope",
    }
)  # fmt: skip
_LINE_MAX = 2048


class UnitSyntaxError(ValueError):
    pass


def sections_with_options(contents: str) -> set[str]:
    """Names of the sections that hold at least one option; raises UnitSyntaxError."""
    found: set[str] = set()
    section: str | None = None
    lines = contents.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if len(line) > _LINE_MAX:
            raise UnitSyntaxError("line too long")
        stripped = line.strip()
        if not stripped or stripped[0] in "#;":
            continue
        if stripped.startswith("["):
            name, closed, rest = stripped[1:].partition("]")
            if not closed:
                raise UnitSyntaxError("unable to find end of section")
            if rest.strip():
                raise UnitSyntaxError(f"found garbage after section name {name}: {rest.strip()}")
            section = name
            continue
        if section is None:
            continue  # Text before the first section is skipped, as upstream does.
        if "=" not in stripped:
            if index >= len(lines) or not any(rest.strip() for rest in lines[index:]):
                raise UnitSyntaxError("EOF")
            raise UnitSyntaxError("unexpected newline encountered while parsing option name")
        while line.rstrip().endswith("\\") and index < len(lines):
            line = lines[index]
            index += 1
        found.add(section)
    return found


def unit_contents_problem(contents: str | None) -> tuple[set[str], str | None]:
    if contents is None:
        return set(), None
    try:
        return sections_with_options(contents), None
    except UnitSyntaxError as err:
        return set(), f"invalid unit content: {err}"


# a pattern, compiled (and cached by re) at its first use: most configs never need it
_INSTANCE = r"(?s)^(.+?)@(.+?)\.service$"


def check_systemd(systemd: Systemd, path: JsonPath, problems: Problems) -> None:
    by_name = {unit.name: unit for unit in systemd.units}  # the last of a name, as upstream
    for i, unit in enumerate(systemd.units):
        here = (*path, "units", i)
        if _go_extension(unit.name) not in UNIT_SUFFIXES:
            problems.error((*here, "name"), messages.UNIT_EXTENSION)
        sections, problem = unit_contents_problem(unit.contents)
        problems.error((*here, "contents"), problem)
        if problem is None and unit.enabled is True and unit.contents and "Install" not in sections:
            problems.warning((*here, "contents"), messages.no_install_section(unit.name))
        for j, dropin in enumerate(unit.dropins):
            there = (*here, "dropins", j)
            problems.error((*there, "contents"), unit_contents_problem(dropin.contents)[1])
            if _go_extension(dropin.name) != ".conf":
                problems.error((*there, "name"), messages.DROPIN_EXTENSION)
    # Upstream's second pass: an enabled instance of a template whose contents have no
    # [Install] section (the instance's own contents do not matter).
    for i, unit in enumerate(systemd.units):
        match = re.match(_INSTANCE, unit.name) if "@" in unit.name else None
        if match is None or unit.enabled is not True:
            continue
        template = by_name.get(f"{match.group(1)}@.service")
        if template is None or not template.contents:
            continue
        sections, problem = unit_contents_problem(template.contents)
        if problem is None and "Install" not in sections:
            problems.warning(
                (*path, "units", i, "contents"),
                messages.no_install_section_for_template(f"{match.group(1)}@.service", unit.name),
            )


def _go_extension(name: str) -> str:
    """Go's path.Ext: from the last dot of the last element, dot included."""
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    return base[dot:] if dot >= 0 else ""
