"""When a snooze ends: the presets (in the seller's time zone) and typed times ("3d", "2026-12-03 14:00")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, tzinfo

MORNING = time(9, 0)
_RELATIVE = re.compile(r"^\s*(\d{1,4})\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def _at_morning(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, MORNING, tzinfo=tz)


def snooze_presets(now: datetime, tz: tzinfo = UTC) -> list[tuple[str, datetime]]:
    """The preset wake-up times, each with its label: in 1 hour, tomorrow 9:00, next Monday 9:00."""
    local = now.astimezone(tz)
    tomorrow = local.date() + timedelta(days=1)
    monday = local.date() + timedelta(days=(7 - local.weekday()) % 7 or 7)
    return [
        ("In 1 hour", now + timedelta(hours=1)),
        ("Tomorrow 9:00", _at_morning(tomorrow, tz)),
        ("Next Monday 9:00", _at_morning(monday, tz)),
    ]


def parse_snooze(text: str, now: datetime, tz: tzinfo = UTC) -> datetime:
    """A typed wake-up time: "30m", "4h", "3d", "2w", "2026-12-03 14:00" or "2026-12-03" (9:00).

    Dates are read in `tz`. Raises ValueError with a one-line reason for anything else,
    including a time that has already passed.
    """
    value = text.strip()
    if not value:
        raise ValueError("type a time such as 4h, 3d or 2026-12-03 14:00")
    relative = _RELATIVE.match(value)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2).lower()
        if amount == 0:
            raise ValueError(f"{value!r} is now; snooze for at least 1{unit}")
        return now + timedelta(**{_UNITS[unit]: amount})
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            parsed = datetime.combine(parsed.date(), MORNING)
        when = parsed.replace(tzinfo=tz)
        if when <= now:
            raise ValueError(f"{value} has already passed")
        try:  # stored in UTC: 9999-12-31 23:00 west of Greenwich is past the last datetime
            when.astimezone(UTC)
        except OverflowError:
            raise ValueError(f"{value} is too far ahead") from None
        return when
    raise ValueError(f"cannot read {value!r}: use 4h, 3d, 2w or 2026-12-03 14:00")
