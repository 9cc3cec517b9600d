"""The boot harness's reading of the serial console: stage times and milestones on the
guest's own clock (journald's stamps), so that a console running behind, because one
agent logs more than another, does not lengthen that agent's stages."""

from __future__ import annotations

from harness.console import BootLog

# (arrival on the host, the line): the console falls 1.5 s behind while the stage runs
LINES = [
    (1.10, "[    0.100000] Linux version 6.1.0"),
    (9.50, "[    9.000000] systemd[1]: Starting ignition-files.service - Ignition (files)..."),
    (12.00, "[   10.000000] systemd[1]: Finished ignition-files.service - Ignition (files)."),
    (
        12.10,
        "[   10.050000] systemd[1]: Reached target ignition-complete.target - Ignition Complete.",
    ),
    (12.20, "[  OK  ] Reached target ignition-complete.target - Ignition Complete."),
]


def test_stage_times_and_milestones_use_the_guest_clock() -> None:
    log = BootLog()
    for when, line in LINES:
        log.add(when, line)
    assert log.lag is not None and abs(log.lag - 0.5) < 1e-9  # the kernel's first line
    files = log.timed_stages()["files"]
    assert abs((files["end"] - files["start"]) - 1.0) < 1e-9  # arrivals would say 2.5 s
    assert abs(files["start"] - 9.5) < 1e-9
    assert abs(log.timed_milestones()["ignition_complete"] - 10.55) < 1e-9
    assert log.stages["files"]["end"] == 12.00  # arrival times are still kept


def test_lines_without_a_guest_stamp_keep_their_arrival_time() -> None:
    log = BootLog()
    log.add(3.0, "systemd[1]: Starting ignition-disks.service - Ignition (disks)...")
    log.add(4.0, "systemd[1]: Finished ignition-disks.service - Ignition (disks).")
    assert log.timed_stages()["disks"] == {"start": 3.0, "end": 4.0}


def test_time_in_the_stages_is_upstreams_six_stage_units() -> None:
    log = BootLog()
    for unit in ("py-warm-up", "remount-sysroot", "py-oem", "fetch-offline", "files"):
        log.add(1.0, f"systemd[1]: Starting ignition-{unit}.service - x...")
        log.add(2.5, f"systemd[1]: Finished ignition-{unit}.service - x.")
    assert "remount-sysroot" in log.timed_stages()  # still timed, for the checks
    assert log.stage_seconds() == 3.0
