"""SLA policies: due times around the clock and in business hours, DST, weekends, the config."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inbox_tui.config import ConfigError, parse_config
from inbox_tui.sla import (
    CHANNELS,
    DEFAULT_TARGETS,
    BusinessHours,
    SlaPolicy,
    due_at,
    format_duration,
    parse_duration,
    time_left,
    urgency,
    working_time,
)

BERLIN = ZoneInfo("Europe/Berlin")
ISTANBUL = ZoneInfo("Europe/Istanbul")
H = timedelta(hours=1)


def policy(tz=UTC, **hours) -> SlaPolicy:
    return SlaPolicy(business_hours=BusinessHours(tz=tz, **hours))


def local(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


# --- defaults and around the clock -------------------------------------------------------------


def test_defaults_cover_every_channel_once() -> None:
    assert set(DEFAULT_TARGETS) == set(CHANNELS)
    assert DEFAULT_TARGETS["amazon"] == 24 * H and DEFAULT_TARGETS["walmart"] == 48 * H
    assert SlaPolicy().uses_business_hours("email") and SlaPolicy().uses_business_hours("shopify")
    assert not SlaPolicy().uses_business_hours("amazon")


def test_amazon_counts_the_weekend_email_does_not() -> None:
    friday_evening = local(BERLIN, 2026, 11, 27, 18, 0)  # Friday, after hours
    p = policy(BERLIN)
    assert due_at("amazon", friday_evening, p) == friday_evening + 24 * H
    # 48h in business hours = two working days: the clock starts on Monday at 9:00 and
    # runs through Monday and Tuesday (it was six 8-hour days, to Mon 7 Dec, before).
    assert due_at("email", friday_evening, p) == local(BERLIN, 2026, 12, 1, 17, 0)


def test_unknown_channel_follows_email() -> None:
    start = local(UTC, 2026, 11, 30, 9, 0)  # Monday
    assert due_at("marktplaats", start) == due_at("email", start)


def test_waiting_since_must_be_aware() -> None:
    with pytest.raises(ValueError):
        due_at("amazon", datetime(2026, 1, 1))


# --- business hours, weekends, DST -------------------------------------------------------------


def test_inside_business_hours_the_clock_runs_on_the_same_day() -> None:
    p = SlaPolicy(targets={"email": 3 * H}, business_hours=BusinessHours(tz=ISTANBUL))
    monday_10 = local(ISTANBUL, 2026, 11, 30, 10, 0)
    assert due_at("email", monday_10, p) == local(ISTANBUL, 2026, 11, 30, 13, 0)
    # 5 h from 15:00: 2 h today, 3 h tomorrow from 09:00.
    p5 = SlaPolicy(targets={"email": 5 * H}, business_hours=BusinessHours(tz=ISTANBUL))
    assert due_at("email", local(ISTANBUL, 2026, 11, 30, 15, 0), p5) == local(
        ISTANBUL, 2026, 12, 1, 12, 0
    )


def test_a_message_on_saturday_waits_for_monday() -> None:
    p = SlaPolicy(targets={"email": 2 * H}, business_hours=BusinessHours(tz=ISTANBUL))
    saturday = local(ISTANBUL, 2026, 11, 28, 11, 0)
    assert due_at("email", saturday, p) == local(ISTANBUL, 2026, 11, 30, 11, 0)


def test_istanbul_has_no_dst_every_business_day_is_utc_06_to_14() -> None:
    p = SlaPolicy(targets={"email": 8 * H}, business_hours=BusinessHours(tz=ISTANBUL))
    # Around the last Sunday of March and October (DST changes elsewhere), Istanbul stays +03.
    for day in (datetime(2026, 3, 27, 5, 0, tzinfo=UTC), datetime(2026, 10, 23, 5, 0, tzinfo=UTC)):
        due = due_at("email", day, p)
        assert due == day.replace(hour=14)


def test_berlin_spring_forward_moves_opening_hours_in_utc() -> None:
    # DST starts Sun 29 Mar 2026: Friday 27 is CET (+1), Monday 30 is CEST (+2).
    p = SlaPolicy(targets={"email": 10 * H}, business_hours=BusinessHours(tz=BERLIN))
    friday_9 = local(BERLIN, 2026, 3, 27, 9, 0)
    due = due_at("email", friday_9, p)
    assert due == local(BERLIN, 2026, 3, 30, 11, 0)
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)


def test_berlin_fall_back_moves_opening_hours_in_utc() -> None:
    # DST ends Sun 25 Oct 2026: Friday 23 is CEST (+2), Monday 26 is CET (+1).
    p = SlaPolicy(targets={"email": 9 * H}, business_hours=BusinessHours(tz=BERLIN))
    due = due_at("email", local(BERLIN, 2026, 10, 23, 16, 0), p)
    assert due == local(BERLIN, 2026, 10, 26, 17, 0)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 16, 0, tzinfo=UTC)


def test_around_the_clock_across_dst_is_exact_elapsed_time() -> None:
    start = local(BERLIN, 2026, 3, 28, 12, 0)  # the day before spring forward
    due = due_at("amazon", start, policy(BERLIN))
    assert due - start == 24 * H
    assert due.astimezone(BERLIN).hour == 13  # the wall clock skipped an hour


def test_weekend_shifts_and_night_hours() -> None:
    hours = BusinessHours(days=frozenset({5, 6}), start=time(20, 0), end=time(23, 30), tz=BERLIN)
    p = SlaPolicy(targets={"email": 4 * H}, business_hours=hours)
    # Friday: next opening is Saturday 20:00; 3.5 h there, 0.5 h on Sunday.
    assert due_at("email", local(BERLIN, 2026, 11, 27, 12, 0), p) == local(
        BERLIN, 2026, 11, 29, 20, 30
    )


def test_business_hours_reject_nonsense() -> None:
    with pytest.raises(ValueError):
        BusinessHours(days=frozenset())
    with pytest.raises(ValueError):
        BusinessHours(start=time(17, 0), end=time(9, 0))


# --- time left and urgency ---------------------------------------------------------------------


def test_time_left_and_urgency() -> None:
    due = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert time_left(due, due - 2 * H) == 2 * H
    assert time_left(due, due + H) == -H
    assert urgency(due, due) == "soon"  # at the due time it is in time (is_late)
    assert urgency(due, due + timedelta(seconds=1)) == "breached"
    assert urgency(due, due + H) == "breached"
    assert urgency(due, due - 5 * H, target=24 * H) == "soon"  # under 6 h of 24 h left
    assert urgency(due, due - 7 * H, target=24 * H) == "ok"
    assert SlaPolicy().urgency("email", due, due - 11 * H) == "soon"  # 48 h target: < 12 h
    assert SlaPolicy().urgency("email", due, due - 13 * H) == "ok"


# --- durations and the config ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [("24h", 24 * H), ("2d", 48 * H), ("90m", timedelta(minutes=90)), ("1d 12h", 36 * H)],
)
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "24", "h", "24x", "-1h", "0h", "1h junk"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_duration_round_trips_the_defaults() -> None:
    for target in DEFAULT_TARGETS.values():
        assert parse_duration(format_duration(target)) == target


def test_config_overrides_and_time_zone() -> None:
    config = parse_config(
        "seller:\n  timezone: Europe/Berlin\n"
        "sla:\n  targets:\n    amazon: 12h\n"
        "  business_hours:\n    days: [mon, sat]\n    start: '08:30'\n    end: '12:00'\n"
        "  business_hours_channels: [email, etsy]\n"
        "snooze:\n  wake_on_reply: false\n"
    )
    p = SlaPolicy.from_config(config)
    assert p.target("amazon") == 12 * H and p.target("ebay") == 24 * H
    assert p.business_hours == BusinessHours(
        days=frozenset({0, 5}), start=time(8, 30), end=time(12, 0), tz=BERLIN
    )
    assert p.uses_business_hours("etsy") and not p.uses_business_hours("shopify")
    assert p.wake_on_reply is False
    assert SlaPolicy.from_config(parse_config("")) == SlaPolicy()


def test_a_bad_duration_in_the_config_is_one_line_with_its_line_number() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("sla:\n  targets:\n    ebay: 24 hours\n")
    assert str(caught.value) == (
        "config.yaml line 3: sla.targets.ebay: expected a duration such as '24h', '2d' or '90m',"
        " got '24 hours'"
    )


def test_business_hours_must_end_after_they_start_in_the_config() -> None:
    with pytest.raises(ConfigError, match=r"line 2: sla.business_hours: end \(08:00\)"):
        parse_config("sla:\n  business_hours:\n    start: '09:00'\n    end: '08:00'\n")


# --- properties ----------------------------------------------------------------------------------

moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 12, 31), timezones=st.just(UTC)
)
zones = st.sampled_from([UTC, BERLIN, ISTANBUL, ZoneInfo("America/New_York")])
targets = st.integers(min_value=1, max_value=14 * 24 * 60).map(lambda m: timedelta(minutes=m))
hours_strategy = st.builds(
    lambda days, start, length, tz: BusinessHours(
        days=frozenset(days),
        start=time(start, 0),
        end=time(min(start + length, 23), 59 if start + length >= 23 else 0),
        tz=tz,
    ),
    st.sets(st.integers(0, 6), min_size=1),
    st.integers(0, 20),
    st.integers(1, 12),
    zones,
)


@settings(max_examples=300, deadline=None)
@given(moments, targets, hours_strategy, st.sampled_from(CHANNELS))
def test_due_is_never_before_waiting_since(start, target, hours, channel) -> None:
    p = SlaPolicy(targets=dict.fromkeys(CHANNELS, target), business_hours=hours)
    assert due_at(channel, start, p) >= start + (
        target if not p.uses_business_hours(channel) else timedelta()
    )
    assert due_at(channel, start, p) > start


@settings(max_examples=200, deadline=None)
@given(moments, targets, zones)
def test_around_the_clock_due_is_start_plus_target(start, target, tz) -> None:
    p = SlaPolicy(targets={"amazon": target}, business_hours=BusinessHours(tz=tz))
    assert due_at("amazon", start, p) == start + target


@settings(max_examples=300, deadline=None)
@given(moments, targets, hours_strategy)
def test_business_hours_due_lands_inside_business_hours(start, target, hours) -> None:
    p = SlaPolicy(targets={"email": target}, business_hours=hours)
    due = due_at("email", start, p)
    assert hours.contains(due)
    # business time never runs faster than the clock (a day of target is a working day)
    assert due - start >= working_time(target, hours)


@settings(max_examples=300, deadline=None)
@given(moments, st.integers(0, 10 * 24 * 60), targets, hours_strategy)
def test_due_is_monotonic_in_waiting_since(start, later_by, target, hours) -> None:
    p = SlaPolicy(targets={"email": target}, business_hours=hours)
    later = start + timedelta(minutes=later_by)
    assert due_at("email", start, p) <= due_at("email", later, p)
