"""Reading the guest's serial console: lines stamped with the host's clock on arrival,
and the boot milestones and failures found in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_STAGE_START = re.compile(r"systemd\[1\]: Starting ignition-([a-z-]+)\.service")
_STAGE_END = re.compile(r"systemd\[1\]: Finished ignition-([a-z-]+)\.service")
_STAGE_FAILED = re.compile(r"systemd\[1\]: Failed to start ignition-([a-z-]+)\.service")
# Upstream's stage units: "time in the stages" is theirs alone, for every agent (the other
# ignition-* units timed above, remount-sysroot, py-warm-up, py-oem, are no stage).
STAGE_UNITS = ("fetch-offline", "fetch", "kargs", "disks", "mount", "files")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# journald's forwarded lines carry the guest's own clock: "[    9.208349] systemd[1]: ..."
_GUEST_STAMP = re.compile(r"^\[\s*(\d+\.\d+)\] ")
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
    """What the console said, each line stamped on arrival (host seconds from QEMU start).

    ``milestones`` and ``stages`` hold arrival times. The serial console runs behind
    when the guest writes a lot (journald forwards every line at 115200 baud), so
    ``timed_milestones()`` and ``timed_stages()`` read the guest's own stamps instead,
    placed on the host's clock by the smallest arrival lag seen (the kernel's first lines
    arrive at once): the same clock for every agent, whatever each one logs."""

    lines: list[tuple[float, str]] = field(default_factory=list)
    milestones: dict[str, float] = field(default_factory=dict)
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    failed_stage: str | None = None
    guest_stamps: dict[tuple[str, str], float] = field(default_factory=dict)
    lag: float | None = None

    def add(self, when: float, raw: str) -> None:
        line = _ANSI.sub("", raw.rstrip("\r\n"))
        self.lines.append((when, line))
        stamp = _GUEST_STAMP.match(line)
        guest = float(stamp.group(1)) if stamp else None
        if guest is not None and (self.lag is None or when - guest < self.lag):
            self.lag = when - guest
        for name, pattern in MILESTONES.items():
            if name not in self.milestones and pattern.search(line):
                self.milestones[name] = when
                self._stamp(("milestone", name), guest)
        if match := _STAGE_START.search(line):
            self.stages.setdefault(match.group(1), {})["start"] = when
            self._stamp((match.group(1), "start"), guest)
        elif match := _STAGE_END.search(line):
            self.stages.setdefault(match.group(1), {})["end"] = when
            self._stamp((match.group(1), "end"), guest)
        elif match := _STAGE_FAILED.search(line):
            self.stages.setdefault(match.group(1), {})["failed"] = when
            self._stamp((match.group(1), "failed"), guest)
            self.failed_stage = self.failed_stage or match.group(1)

    def _stamp(self, key: tuple[str, str], guest: float | None) -> None:
        if guest is not None:
            self.guest_stamps[key] = guest

    def _timed(self, key: tuple[str, str], arrival: float) -> float:
        guest = self.guest_stamps.get(key)
        return arrival if guest is None or self.lag is None else guest + self.lag

    def timed_milestones(self) -> dict[str, float]:
        """Milestones in seconds from QEMU start, on the guest's clock where it stamped them."""
        return {k: self._timed(("milestone", k), v) for k, v in self.milestones.items()}

    def timed_stages(self) -> dict[str, dict[str, float]]:
        """Each stage's start/end/failed in seconds from QEMU start, on the guest's clock."""
        return {
            stage: {k: self._timed((stage, k), v) for k, v in times.items()}
            for stage, times in self.stages.items()
        }

    def stage_seconds(self) -> float:
        """Time in upstream's stage units (STAGE_UNITS), on the guest's clock."""
        return sum(
            times["end"] - times["start"]
            for name, times in self.timed_stages().items()
            if name in STAGE_UNITS and "start" in times and "end" in times
        )

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
