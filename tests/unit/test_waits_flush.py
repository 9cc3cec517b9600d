"""Every wait in the stages' code goes through log.pause, which writes the lines stdout
holds first (log.Logger writes them in batches): a sleep or an event wait called directly
would keep the lines logged before it from an operator for as long as it lasts."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ignition_py"
WAITS = re.compile(r"\btime\.sleep\(|\bsleep\(|\.wait\(")
# log.pause itself; the fork server, which runs no stage and logs to stderr
ALLOWED = {"log.py", "fork_server.py"}


def test_no_stage_code_sleeps_or_waits_but_through_log_pause() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name not in ALLOWED
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if WAITS.search(line)
    ]
    assert offenders == []


def test_the_scan_finds_a_direct_sleep_and_an_event_wait() -> None:
    assert WAITS.search("        time.sleep(delay)")
    assert WAITS.search("        cancelled.wait(1.0)")
    assert not WAITS.search("        pause(delay)")
