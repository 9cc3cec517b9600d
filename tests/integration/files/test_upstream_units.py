"""systemd units against upstream v2.26.0, byte for byte: the preset file (its sort, the
instance lines, which `disable` lines are written), masks, unmasks and drop-ins, with the
real `systemctl --root` behind a stand-in that fails `disable` of a unit it does not know,
as systemd >= 252 does (Debian 12's 252 exits 0 there)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .cases import INSTALL
from .support import NOT_ROOT, work_dir
from .upstream import run_both

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)

PRESET = "etc/systemd/system-preset/20-ignition.preset"
UNITS = "etc/systemd/system"
# `systemctl --root R disable UNIT...` exits 1 for a unit with no unit file, like newer
# systemd; everything else is the real systemctl.
NEWER_SYSTEMCTL = r"""#!/bin/sh
if [ "$1" = --root ] && [ "$3" = disable ]; then
    for unit in "$@"; do
        case $unit in --root|"$2"|disable) continue ;; esac
        template=$(printf '%s' "$unit" | sed 's/@[^.]*\./@./')
        found=
        for dir in etc/systemd/system usr/lib/systemd/system lib/systemd/system; do
            for name in "$unit" "$template"; do
                if [ -e "$2/$dir/$name" ] || [ -L "$2/$dir/$name" ]; then found=1; fi
            done
        done
        if [ -z "$found" ]; then
            echo "Failed to disable unit, unit $unit does not exist." >&2
            exit 1
        fi
    done
fi
exec /usr/bin/systemctl "$@"
"""
SCRIPTS = {"systemctl": NEWER_SYSTEMCTL}


def _enabled_units(root: Path) -> None:
    """on.service and echo@a.service enabled (links in multi-user.target.wants), a masked
    unit, and a preset file from the image that Ignition's lines are appended to."""
    units = root / UNITS
    (units / "multi-user.target.wants").mkdir(parents=True)
    for name in ("on.service", "echo@.service"):
        (units / name).write_text(f"[Service]\nExecStart=/bin/true\n{INSTALL}")
    for name, template in (("on.service", "on.service"), ("echo@a.service", "echo@.service")):
        (units / "multi-user.target.wants" / name).symlink_to(f"/{UNITS}/{template}")
    (units / "unmask-me.service").symlink_to("/dev/null")
    (units / "not-a-mask.service").symlink_to("/etc/elsewhere")
    (root / PRESET).parent.mkdir(parents=True)
    (root / PRESET).write_text("enable from-the-image.service\n")


def test_disabling_a_unit_that_does_not_exist_leaves_it_alone() -> None:
    config = {
        "ignition": {"version": "3.4.0"},
        "systemd": {"units": [
            {"name": "ghost.service", "enabled": False},
            {"name": "on.service", "enabled": False},
        ]},
    }  # fmt: skip
    with work_dir() as work:
        pair = run_both(work, config, _enabled_units, SCRIPTS)
        assert pair.ours.returncode == 0, pair.ours.output
        # upstream asks is-enabled first: only the enabled unit is disabled and named
        assert not (pair.ours_root / UNITS / "multi-user.target.wants/on.service").exists()
        preset = (pair.ours_root / PRESET).read_text()
        assert preset == "enable from-the-image.service\ndisable on.service\n"
        pair.assert_same_tree(also_bytes=(PRESET,))


def test_preset_file_is_sorted_as_upstream_writes_it() -> None:
    config = {
        "ignition": {"version": "3.4.0"},
        "systemd": {"units": [
            {"name": "zeta.service", "enabled": True, "contents": f"[Service]\n{INSTALL}"},
            {"name": "echo@b.service", "enabled": True},
            {"name": "on.service", "enabled": False},
            {"name": "alpha.service", "enabled": True},
            {"name": "echo@a.service", "enabled": False},
            {"name": "echo@c.service", "enabled": True},
            {"name": "echo@d.service", "enabled": False},
            {"name": "a-b.service", "enabled": True},
            {"name": "masked.service", "mask": True, "contents": "[Unit]\n"},
            {"name": "unmask-me.service", "mask": False},
            {"name": "not-a-mask.service", "mask": False},
            {"name": "drop.service", "dropins": [
                {"name": "a.conf", "contents": "[Unit]\n"},
                {"name": "skipped.conf"},
                {"name": "empty.conf", "contents": ""},
            ]},
        ]},
    }  # fmt: skip
    with work_dir() as work:
        pair = run_both(work, config, _enabled_units, SCRIPTS)
        assert pair.ours.returncode == 0, pair.ours.output
        # keys "a-b.service-enabled" < "alpha..." < "echo@.service-disabled" < "...-enabled";
        # a disabled template is asked about as "echo@.service a d", which is not enabled
        assert (pair.ours_root / PRESET).read_text() == (
            "enable from-the-image.service\n"
            "enable a-b.service\n"
            "enable alpha.service\n"
            "enable echo@.service b c\n"
            "disable on.service\n"
            "enable zeta.service\n"
        )
        assert (pair.ours_root / UNITS / "multi-user.target.wants/echo@a.service").is_symlink()
        pair.assert_same_tree(also_bytes=(PRESET,))


def _also_enabled_units(root: Path) -> None:
    """a-lead.service (Also=z-follow.service) and z-follow.service, both enabled, and
    three disabled units: disabling a-lead, which is asked about first (the keys are
    sorted), disables z-follow too."""
    units = root / UNITS
    (units / "multi-user.target.wants").mkdir(parents=True)
    also = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"
    (units / "a-lead.service").write_text(also + "Also=z-follow.service\n")
    for name in ("z-follow.service", "off-1.service", "off-2.service", "off-3.service"):
        (units / name).write_text(f"[Service]\nExecStart=/bin/true\n{INSTALL}")
    for name in ("a-lead.service", "z-follow.service"):
        (units / "multi-user.target.wants" / name).symlink_to(f"/{UNITS}/{name}")


def test_disables_asked_in_one_call_see_what_an_earlier_disable_changed() -> None:
    """ignition-py asks `is-enabled` about all the disables in one systemctl call, and asks
    again after a disable removed links: disabling lead (Also=follow) leaves follow not
    enabled, so, as v2.26.0, no `disable z-follow.service` line is written."""
    config = {
        "ignition": {"version": "3.4.0"},
        "systemd": {"units": [
            {"name": name, "enabled": False}
            for name in ("off-1.service", "a-lead.service", "z-follow.service", "off-2.service",
                         "off-3.service")
        ]},
    }  # fmt: skip
    with work_dir() as work:
        pair = run_both(work, config, _also_enabled_units, SCRIPTS)
        assert pair.ours.returncode == 0, pair.ours.output
        wants = pair.ours_root / UNITS / "multi-user.target.wants"
        assert not (wants / "a-lead.service").exists()
        assert not (wants / "z-follow.service").exists()
        assert (pair.ours_root / PRESET).read_text() == "disable a-lead.service\n"
        pair.assert_same_tree(also_bytes=(PRESET,))
