"""How times read to the seller, in the TUI and the CLI: in the configured time zone
(`seller.timezone`) and with its name, from ages in the list to due times and retry times.

Pure functions of aware datetimes (stored times are UTC text: `parse_time`); nothing else
formats a time for a person. Names of days and months are English whatever the locale, so
a label never outgrows its column.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

from inbox_tui.sla import is_late
from inbox_tui.store.db import parse_time  # stored times are UTC text: "2026-11-30T09:00:00Z"

__all__ = [
    "DUE_LABEL_WIDTH",
    "age_label",
    "clock_label",
    "date_label",
    "day_label",
    "due_label",
    "due_sentence",
    "moment_label",
    "short_day",
    "span_label",
    "stamp_label",
    "zone_name",
]

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

DUE_LABEL_WIDTH = 9
"""Cells of the list's due column: "due 14:30", "Mon 09:00", "late 47h", "due 12d"."""

_MINUTE, _HOUR, _DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)


def _parse(when: str | datetime) -> datetime:
    return when if isinstance(when, datetime) else parse_time(when)


def zone_name(moment: datetime, tz: tzinfo = UTC) -> str:
    """The zone's name at that moment, as clocks show it: "UTC", "CET", "CEST", "+03"."""
    return moment.astimezone(tz).tzname() or "UTC"


def clock_label(moment: datetime, tz: tzinfo = UTC) -> str:
    """A time of day with its zone: "14:05 CET" (for "retry at …")."""
    local = moment.astimezone(tz)
    return f"{local:%H:%M} {zone_name(local, tz)}"


def moment_label(moment: datetime, tz: tzinfo = UTC) -> str:
    """A time within the coming weeks: "Tue 1 Dec 09:00 CET" (snoozes, due times)."""
    local = moment.astimezone(tz)
    return f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {clock_label(local, tz)}"


def day_label(moment: datetime, tz: tzinfo = UTC) -> str:
    """A date: "28 Nov 2026" (an order's date), the seller's day."""
    local = moment.astimezone(tz)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def short_day(day: date, *, weekday: bool = False) -> str:
    """A day of the seller's calendar in a chart or a heading: "Nov 12", "Mon Nov 12"."""
    text = f"{MONTHS[day.month - 1]} {day.day}"
    return f"{DAYS[day.weekday()]} {text}" if weekday else text


def stamp_label(moment: datetime, tz: tzinfo = UTC) -> str:
    """When something was made: "2026-12-02 14:30 CET" (a report's footer)."""
    local = moment.astimezone(tz)
    return f"{local:%Y-%m-%d} {clock_label(local, tz)}"


def date_label(when: str | datetime, now: datetime, tz: tzinfo = UTC) -> str:
    """A message's date in the thread: "Tue 12 Nov 2026 14:03 CET (2d ago)"."""
    try:
        moment = _parse(when)
    except ValueError:
        return str(when)
    local = moment.astimezone(tz)
    age = age_label(moment, now, tz)
    ago = " (just now)" if age == "now" else f" ({age} ago)" if age[-1] in "mhd" else ""
    day = f"{DAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{day} {clock_label(local, tz)}{ago}"


def age_label(when: str | datetime, now: datetime, tz: tzinfo = UTC) -> str:
    """A short age for the list: "now", "5m", "3h", "2d", then "Nov 12", then "Nov 2024"
    (dates are the seller's days)."""
    try:
        moment = _parse(when)
    except ValueError:
        return "?"
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "now"  # also for clocks a little ahead of ours
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)}d"
    local, today = moment.astimezone(tz), now.astimezone(tz)
    if local.year == today.year or seconds < 180 * 86400:
        return f"{MONTHS[local.month - 1]} {local.day}"
    return f"{MONTHS[local.month - 1]} {local.year}"


def _amount(span: timedelta) -> str:
    """A length in at most three cells, the unit growing so the number keeps to two digits:
    "45m", "47h", "12d", "14w", "3y" (rounded down; at least "1m")."""
    seconds = span.total_seconds()
    if seconds < 3600:
        return f"{max(1, int(seconds // 60))}m"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)}h"
    return _days(int(seconds // 86400))


def _days(days: int) -> str:
    """Days in at most three cells: "12d", "14w", "3y" (99 at most)."""
    if days < 100:
        return f"{days}d"
    if days < 700:
        return f"{days // 7}w"
    return f"{min(99, days // 365)}y"


def due_label(due: datetime, now: datetime, tz: tzinfo = UTC) -> str:
    """When a ticket must be answered, for the list, in at most DUE_LABEL_WIDTH cells:

    - late: how long ago it was due, "late 45m", "late 3h", "late 2d" (the wall clock);
    - within the hour: "due now", "due 25m";
    - later today: the time, "due 14:30";
    - within the coming week: the day and time, "Mon 09:00" (never today's weekday);
    - later: "due 12d", "due 14w".

    Times are in `tz`; a later due time never reads earlier (tests/test_times.py), except
    inside the hour a daylight-saving change repeats, where the clock itself goes back.
    """
    if is_late(due, now):
        return f"late {_amount(now - due)}"
    left = due - now
    if left < _MINUTE:
        return "due now"
    if left < _HOUR:
        return f"due {int(left // _MINUTE)}m"
    local = due.astimezone(tz)
    days = (local.date() - now.astimezone(tz).date()).days
    if days == 0:
        return f"due {local:%H:%M}"
    if days < 7:
        return f"{DAYS[local.weekday()]} {local:%H:%M}"
    return f"due {_days(days)}"


def span_label(span: timedelta) -> str:
    """A length for a sentence: "25m", "3h 10m", "2d 4h" (two units at most, rounded down)."""
    minutes = max(0, int(span // _MINUTE))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def due_sentence(due: datetime, now: datetime, tz: tzinfo = UTC) -> str:
    """The due time in full, for the thread: "due today 14:30 CET (in 25m)", "due Mon 30 Nov
    09:00 CET (in 2d 3h)", "late 3h: was due today 11:00 CET"."""
    local = due.astimezone(tz)
    today = (local.date() - now.astimezone(tz).date()).days == 0
    when = f"today {clock_label(local, tz)}" if today else moment_label(local, tz)
    if is_late(due, now):
        return f"late {span_label(now - due)}: was due {when}"
    return f"due {when} (in {span_label(due - now)})"
