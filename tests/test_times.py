"""How times read: due labels that fit their column and never run backwards, the seller's time
zone with its name on every time, sentences for the thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inbox_tui.times import (
    DAYS,
    DUE_LABEL_WIDTH,
    age_label,
    clock_label,
    date_label,
    day_label,
    due_label,
    due_sentence,
    moment_label,
    span_label,
)

BERLIN = ZoneInfo("Europe/Berlin")
ISTANBUL = ZoneInfo("Europe/Istanbul")
NEW_YORK = ZoneInfo("America/New_York")
ZONES: list[tzinfo] = [
    UTC,
    BERLIN,
    ISTANBUL,
    NEW_YORK,
    ZoneInfo("Asia/Kolkata"),  # +05:30
    ZoneInfo("Pacific/Chatham"),  # +12:45, with daylight saving
    timezone(timedelta(hours=-11)),
]
# Monday 30 November 2026, 10:00 in Berlin (09:00 UTC)
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
H, M, D = timedelta(hours=1), timedelta(minutes=1), timedelta(days=1)


def test_due_labels_say_when_in_the_sellers_terms() -> None:
    def label(due: timedelta) -> str:
        return due_label(NOW + due, NOW, BERLIN)

    assert label(timedelta(seconds=30)) == "due now"
    assert label(25 * M) == "due 25m"
    assert label(4 * H + 30 * M) == "due 14:30"  # today, Berlin time
    assert label(23 * H) == "Tue 09:00"  # tomorrow: the day's name, never "due 23h"
    assert label(6 * D) == "Sun 10:00"
    assert label(7 * D) == "due 7d"  # next Monday would read like today's Monday
    assert label(-timedelta(seconds=1)) == "late 1m"
    assert label(-3 * H) == "late 3h"
    assert label(-47 * H) == "late 47h"
    assert label(-50 * H) == "late 2d"
    assert due_label(NOW, NOW, BERLIN) == "due now"  # at the due time it is not late yet


def test_a_48h_business_target_and_a_customer_who_wrote_four_days_ago() -> None:
    """The issue's two "due 5d": a 48 h e-mail target from Monday morning, and a customer who
    wrote on Thursday and is still waiting on Monday afternoon."""
    from inbox_tui.sla import BusinessHours, SlaPolicy, due_at

    policy = SlaPolicy(business_hours=BusinessHours(tz=BERLIN))
    monday = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)
    assert due_label(due_at("email", monday, policy), monday, BERLIN) == "Wed 10:00"
    thursday = datetime(2026, 11, 26, 11, 0, tzinfo=BERLIN)
    monday_afternoon = datetime(2026, 11, 30, 15, 0, tzinfo=BERLIN)
    due = due_at("email", thursday, policy)  # Thu 11-17, Fri 9-17, Mon 9-11
    assert due == datetime(2026, 11, 30, 11, 0, tzinfo=BERLIN)
    assert due_label(due, monday_afternoon, BERLIN) == "late 4h"


def test_the_same_moment_reads_in_the_sellers_zone() -> None:
    due = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)
    assert due_label(due, NOW, UTC) == "due 22:30"
    assert due_label(due, NOW, ISTANBUL) == "Tue 01:30"  # already tomorrow in Istanbul
    assert due_label(due, NOW, NEW_YORK) == "due 17:30"
    assert clock_label(due, ISTANBUL) == "01:30 +03"
    assert clock_label(due, BERLIN) == "23:30 CET"
    assert clock_label(datetime(2026, 7, 1, 12, tzinfo=UTC), BERLIN) == "14:00 CEST"
    assert moment_label(due, NEW_YORK) == "Mon 30 Nov 17:30 EST"
    assert day_label(due, ISTANBUL) == "1 Dec 2026"


def test_thread_dates_carry_the_zone() -> None:
    stored = "2026-11-28T10:00:00Z"
    assert date_label(stored, NOW, UTC) == "Sat 28 Nov 2026 10:00 UTC (1d ago)"
    assert date_label(stored, NOW, ISTANBUL) == "Sat 28 Nov 2026 13:00 +03 (1d ago)"
    assert date_label("garbage", NOW, BERLIN) == "garbage"


def test_ages_count_the_sellers_days() -> None:
    # 23:30 UTC on 12 Nov is already 13 Nov in Istanbul
    assert age_label("2026-11-12T23:30:00Z", NOW, UTC) == "Nov 12"
    assert age_label("2026-11-12T23:30:00Z", NOW, ISTANBUL) == "Nov 13"
    assert age_label("2026-11-30T08:00:00Z", NOW, ISTANBUL) == "1h"


def test_due_sentences_for_the_thread() -> None:
    assert due_sentence(NOW + 25 * M, NOW, BERLIN) == "due today 10:25 CET (in 25m)"
    assert due_sentence(NOW + 2 * D + 3 * H, NOW, BERLIN) == "due Wed 2 Dec 13:00 CET (in 2d 3h)"
    assert due_sentence(NOW - 3 * H, NOW, BERLIN) == "late 3h: was due today 07:00 CET"
    assert due_sentence(NOW - 3 * D, NOW, UTC) == "late 3d: was due Fri 27 Nov 09:00 UTC"
    assert [span_label(x) for x in (M * 0.5, 3 * H, 3 * H + 10 * M, D + H)] == [
        "0m",
        "3h",
        "3h 10m",
        "1d 1h",
    ]


# --- properties ------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)
offsets = st.floats(min_value=-4e9, max_value=4e9, allow_nan=False)
zones = st.sampled_from(ZONES)


@settings(max_examples=500, deadline=None)
@given(moments, offsets, zones)
def test_a_due_label_never_outgrows_its_column(now: datetime, seconds: float, tz) -> None:
    due = now + timedelta(seconds=seconds)
    label = due_label(due, now, tz)
    assert len(label) <= DUE_LABEL_WIDTH, label
    assert label.startswith(("due ", "late ", *DAYS)), label


_UNITS = {"m": M, "h": H, "d": D, "w": 7 * D, "y": 365 * D}


def _earliest(label: str, now: datetime, tz) -> datetime:
    """The earliest due time a label can stand for (what a reader takes it to mean)."""
    word, _, rest = label.partition(" ")
    local_now = now.astimezone(tz)
    if label == "late 99y":  # and more: the number keeps to two digits
        return datetime.min.replace(tzinfo=UTC)
    if word == "late":
        amount, unit = int(rest[:-1]), _UNITS[rest[-1]]
        return now - (amount + 1) * unit
    if rest == "now":
        return now
    if re.fullmatch(r"\d+m", rest):
        return now + int(rest[:-1]) * M
    if re.fullmatch(r"\d+[dwy]", rest):  # the seller's days from today
        day = local_now.date() + int(rest[:-1]) * _UNITS[rest[-1]]
        return datetime(day.year, day.month, day.day, tzinfo=tz)
    hour, minute = (int(x) for x in rest.split(":"))
    days = (
        0
        if word == "due"
        else next(d for d in range(1, 7) if DAYS[(local_now.weekday() + d) % 7] == word)
    )
    day = (local_now + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)  # fold 0: the first


def _repeated_hour(moment: datetime, tz) -> bool:
    local = moment.astimezone(tz).replace(tzinfo=None)
    return (
        local.replace(tzinfo=tz, fold=0).utcoffset() != local.replace(tzinfo=tz, fold=1).utcoffset()
    )


@settings(max_examples=1000, deadline=None)
@given(moments, offsets, st.floats(min_value=0, max_value=4e7), zones)
def test_a_later_due_time_never_reads_earlier(now, seconds, later, tz) -> None:
    first = now + timedelta(seconds=seconds)
    second = first + timedelta(seconds=later)
    # the hour a daylight-saving change repeats: the wall clock itself goes back there
    assume(not _repeated_hour(first, tz) and not _repeated_hour(second, tz))
    one, two = due_label(first, now, tz), due_label(second, now, tz)
    assert _earliest(one, now, tz) <= _earliest(two, now, tz), (one, two)
    assert _earliest(one, now, tz) <= first  # and each label is true of its own due time
