"""How times and sizes read in the UI: short, relative labels ("3h", "2d", "Nov 12", "1.2 MB")."""

from __future__ import annotations

from datetime import datetime

from inbox_tui.store.db import parse_time


def age_label(when: str, now: datetime) -> str:
    """A short age for the list: "now", "5m", "3h", "2d", then "Nov 12", then "Nov 2024"."""
    try:
        moment = parse_time(when)
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
    if moment.year == now.year or seconds < 180 * 86400:
        return f"{moment:%b} {moment.day}"
    return f"{moment:%b %Y}"


def date_label(when: str, now: datetime) -> str:
    """A message date for the thread: "Tue 12 Nov 2026 14:03 UTC (2d ago)"."""
    try:
        moment = parse_time(when)
    except ValueError:
        return when
    age = age_label(when, now)
    ago = " (just now)" if age == "now" else f" ({age} ago)" if age[-1] in "mhd" else ""
    return f"{moment:%a} {moment.day} {moment:%b %Y %H:%M} UTC{ago}"


def size_label(size: int) -> str:
    """A byte count for people: "812 B", "4.2 KB", "1.3 MB"."""
    value = float(max(0, size))
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


DUE_LABEL_WIDTH = 8  # cells: "late 47h", "late 99d"


def due_label(due: datetime, now: datetime) -> str:
    """Time left to answer, in at most DUE_LABEL_WIDTH cells: "due 25m", "due 3h", "late 2d",
    "late 14w", "late 3y" (the unit grows so the number keeps to two digits)."""
    seconds = (due - now).total_seconds()
    word, seconds = ("due", seconds) if seconds > 0 else ("late", -seconds)
    days = seconds / 86400
    if seconds < 3600:
        amount = f"{max(1, int(seconds // 60))}m"
    elif days < 2:
        amount = f"{int(seconds // 3600)}h"
    elif days < 100:
        amount = f"{int(days)}d"
    elif days < 700:
        amount = f"{int(days // 7)}w"
    else:
        amount = f"{min(99, int(days // 365))}y"
    return f"{word} {amount}"
