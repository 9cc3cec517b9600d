"""Reading the guest's serial console: lines stamped with the host's clock on arrival,
and the boot milestones and failures found in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_STAGE_START = re.compile(r"systemd\[1\]: Starting ignition-([a-z-]+)\.service")
_STAGE_END = re.compile(r"systemd\[1\]: Finished ignition-([a-z-]+)\.service")
_STAGE_FAILED = re.compile(r"systemd\[1\]: Failed to start ignition-([a-z-]+)\.service")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
MILESTONES = {
    "ignition_complete": re.compile(r"Reached target ignition-complete\.target"),
    "switch_root": re.compile(r"systemd\[1\]: Switching root\."),
    "target_up": re.compile(r"Reached target multi-user\.target"),
    "target_done": re.compile(r"harness-done\.service"),
    "emergency": re.compile(r"Reached target emergency\.target"),
}
POWER_OFF = re.compile(r"reboot: (Power down|System halted|Restarting system)")
_PROBLEM = re.compile(
    r"(CRITICAL|error at \$|ERROR|failed|exited with code|Traceback|Error:)", re.IGNORECASE
)


@dataclass
class BootLog:
    lines: list[tuple[float, str]] = field(default_factory=list)
    milestones: dict[str, float] = field(default_factory=dict)
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    failed_stage: str | None = None

    def add(self, when: float, raw: str) -> None:
        line = _ANSI.sub("", raw.rstrip("\r\n"))
        self.lines.append((when, line))
        for name, pattern in MILESTONES.items():
            if name not in self.milestones and pattern.search(line):
                self.milestones[name] = when
        if match := _STAGE_START.search(line):
            self.stages.setdefault(match.group(1), {})["start"] = when
        elif match := _STAGE_END.search(line):
            self.stages.setdefault(match.group(1), {})["end"] = when
        elif match := _STAGE_FAILED.search(line):
            self.stages.setdefault(match.group(1), {})["failed"] = when
            self.failed_stage = self.failed_stage or match.group(1)

    def text(self) -> str:
        return "\n".join(f"[{when:8.3f}] {line}" for when, line in self.lines)

    def failure_lines(self, stage: str, limit: int = 12) -> list[str]:
        """The agent's own complaints from the failed stage: paths, commands, reasons."""
        found = [
            line
            for _, line in self.lines
            if ("ignition" in line.lower() or stage in line)
            and _PROBLEM.search(line)
            and "systemd[1]" not in line
        ]
        return found[-limit:]
