"""yaml.v3's timestamp test: the four layouts it tries with Go's time.Parse, ranges
checked as Go checks them (month 1-12, the month's days, hour < 24, minute and second < 60)."""

from __future__ import annotations

import re

# 2006-1-2, then T or t and 15:4:5.999999999Z07:00 (zone required), or a space and
# 15:4:5.999999999 (no zone)
_LAYOUTS = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?(?:Z|[-+][0-9]{2}:[0-9]{2})"
    r"| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.[0-9]+)?)?"
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_timestamp(text: str) -> bool:
    """Whether yaml.v3 reads `text` as a !!timestamp (when plain or tagged so)."""
    found = _LAYOUTS.fullmatch(text)
    if found is None:
        return False
    year, month, day = (int(found.group(i)) for i in (1, 2, 3))
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if month == 2 and day == 29 and not leap:
        return False
    clock = found.group(4, 5, 6) if found.group(4) else found.group(7, 8, 9)
    if clock[0] is None:
        return True
    hour, minute, second = (int(part) for part in clock)
    return hour < 24 and minute < 60 and second < 60
