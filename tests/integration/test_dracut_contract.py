"""Our dracut module against upstream v2.26.0's (tests/fixtures/upstream-dracut-v2.26.0.json,
made by tests/dracut_contract.py from the coreos/ignition mirror): every unit, target,
udev rule and pwquality setting, what the generator queues and writes on each kind of
boot, and every install call of module-setup.sh. The only differences allowed are the
ones below, which the README's "Differences from upstream v2.26.0" lists with reasons."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.dracut_contract import (
    file_facts,
    generator_behaviour,
    module_facts,
    module_setup_calls,
    unit_directives,
)

REPO = Path(__file__).resolve().parents[2]
MODULE = REPO / "dracut" / "30ignition"
FIXTURE = REPO / "tests" / "fixtures" / "upstream-dracut-v2.26.0.json"
DELETE_CONFIG_UNIT = REPO / "systemd" / "ignition-delete-config.service"

# module-setup.sh calls we make and upstream does not, each with its reason.
EXTRA_INSTALL_CALLS = {
    # Tools our stages run where upstream links a Go library (blkid for filesystem
    # probing, vmware-rpctool for VMware's guestinfo) or relies on dracut's other modules.
    "inst_multiple -o blkid blockdev cryptsetup mdadm mkfs.vfat mount systemctl udevadm umount "
    "vmware-rpctool",
    # The interpreter and the Python payload behind our launcher ($moddir/ignition).
    "install_python_agent",
}


def _upstream() -> dict[str, Any]:
    facts: dict[str, Any] = json.loads(FIXTURE.read_text())
    return facts


def _need_root_for_namespaces() -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        reason = "running the generator needs root and unshare (a private mount namespace)"
        print(reason)
        pytest.skip(reason)


def test_every_unit_target_rule_and_setting_matches_upstream() -> None:
    upstream = _upstream()["files"]
    files = file_facts(MODULE, DELETE_CONFIG_UNIT)
    assert sorted(files) == sorted(upstream)
    for name, directives in upstream.items():
        # Directive order within a unit means nothing to systemd; the multiset must match.
        theirs = Counter(json.dumps(d) for d in directives)
        mine = Counter(json.dumps(d) for d in files[name])
        assert mine == theirs, f"{name}: ours adds {mine - theirs}, lacks {theirs - mine}"


def test_generator_queues_and_writes_what_upstream_does() -> None:
    _need_root_for_namespaces()
    assert generator_behaviour(MODULE / "ignition-generator") == _upstream()["generator"]


def test_module_setup_installs_what_upstream_does_plus_the_listed_extras() -> None:
    upstream = _upstream()["module-setup"]
    ours = module_setup_calls(MODULE)
    assert [call for call in ours if call not in EXTRA_INSTALL_CALLS] == upstream
    assert set(ours) >= EXTRA_INSTALL_CALLS


def test_the_comparison_sees_a_changed_ordering(tmp_path: Path) -> None:
    """A regression guard for the comparison itself: a unit that drops upstream's
    After=network.target is reported."""
    changed = (MODULE / "ignition-fetch.service").read_text().replace("After=network.target", "")
    upstream = _upstream()["files"]["ignition-fetch.service"]
    assert Counter(map(json.dumps, unit_directives(changed))) != Counter(map(json.dumps, upstream))


MIRROR = Path("/work/.mirror/coreos+ignition/repo")


def test_the_fixture_is_what_the_mirror_gives(tmp_path: Path) -> None:
    """Where the coreos/ignition mirror exists, the committed fixture is regenerated from
    v2.26.0's files and must be identical (CI has no mirror: the fixture stands in)."""
    if not MIRROR.exists() or shutil.which("git") is None:
        reason = f"no coreos/ignition mirror at {MIRROR}: the committed fixture stands in"
        print(reason)
        pytest.skip(reason)
    _need_root_for_namespaces()
    archive = subprocess.run(
        ["git", f"--git-dir={MIRROR}", "archive", "v2.26.0", "dracut/30ignition", "systemd"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(tmp_path)], input=archive, check=True)
    facts = module_facts(
        tmp_path / "dracut/30ignition", tmp_path / "systemd/ignition-delete-config.service"
    )
    assert facts == _upstream()
