"""SLA policies: how long each channel gives the seller to answer, and when a ticket is due.

Pure functions of data: no SQL, no Textual, no I/O. `DEFAULT_TARGETS` is the one place the
default first-response targets live; the config's `sla:` section overrides them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from inbox_tui.channels.registry import channel_names, channels

if TYPE_CHECKING:
    from collections.abc import Mapping

    from inbox_tui.config import Config
    from inbox_tui.config_cache import StartConfig

__all__ = [
    "CHANNELS",
    "DEFAULT_BUSINESS_HOURS_CHANNELS",
    "DEFAULT_POLICY",
    "DEFAULT_TARGETS",
    "BusinessHours",
    "SlaPolicy",
    "Urgency",
    "WEEKDAYS",
    "add_business_time",
    "due_at",
    "format_duration",
    "is_late",
    "parse_duration",
    "time_left",
    "urgency",
]

Urgency = Literal["breached", "soon", "ok"]

CHANNELS: tuple[str, ...] = channel_names()
"""Every channel a ticket can have (channels/registry.py)."""

DEFAULT_TARGETS: Mapping[str, timedelta] = MappingProxyType(
    {channel.name: channel.sla_target for channel in channels()}
)
"""First-response target per channel: each channel's own default (channels/<name>/)."""

DEFAULT_BUSINESS_HOURS_CHANNELS: frozenset[str] = frozenset(
    channel.name for channel in channels() if channel.business_hours
)
"""Channels whose clock only runs in business hours; the others run around the clock."""

FALLBACK_CHANNEL = "email"
"""The rule a channel without its own target follows."""

SOON_FRACTION = 0.25
"""A ticket is "soon" due when less than this share of its target is left."""

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([dhm])\s*")
_UNITS = {"d": timedelta(days=1), "h": timedelta(hours=1), "m": timedelta(minutes=1)}


def parse_duration(text: str) -> timedelta:
    """'24h', '2d', '90m', '1d 12h' → a timedelta; ValueError for anything else or zero."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected a duration such as '24h', '2d' or '90m'")
    total = timedelta()
    position = 0
    for match in _DURATION.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNITS[match.group(2)]
        position = match.end()
    if position != len(text):
        raise ValueError("expected a duration such as '24h', '2d' or '90m'")
    if total <= timedelta():
        raise ValueError("a duration must be longer than zero")
    return total


def format_duration(value: timedelta) -> str:
    """'24h' or '90m': whole hours when exact, else whole minutes."""
    minutes = int(value.total_seconds() // 60)
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """Opening hours in the seller's time zone: the same hours on every listed weekday."""

    days: frozenset[int] = frozenset(range(5))  # 0 = Monday … 6 = Sunday
    start: time = time(9, 0)
    end: time = time(17, 0)
    tz: tzinfo = UTC

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("business hours need at least one weekday (0-6)")
        if self.end <= self.start:
            raise ValueError("business hours must end after they start")

    @property
    def day_length(self) -> timedelta:
        """How long a working day is open (the same every day, on the wall clock)."""
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The open interval of `day` (local date) in UTC, or None on a closed day."""
        return _window(self, day)

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` lies within opening hours (start and end inclusive)."""
        local = moment.astimezone(self.tz)
        for day in (
            local.date() - timedelta(days=1),
            local.date(),
            local.date() + timedelta(days=1),
        ):
            span = self.window(day)
            if span and span[0] <= moment <= span[1]:
                return True
        return False


@lru_cache(maxsize=4096)
def _window(hours: BusinessHours, day: date) -> tuple[datetime, datetime] | None:
    if day.weekday() not in hours.days:
        return None
    # Local wall times to UTC through zoneinfo: DST shifts move the interval, not its meaning.
    opens = datetime.combine(day, hours.start, tzinfo=hours.tz).astimezone(UTC)
    closes = datetime.combine(day, hours.end, tzinfo=hours.tz).astimezone(UTC)
    return (opens, closes) if closes > opens else None


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """First-response targets per channel, when their clocks run, and snooze wake-on-reply."""

    targets: Mapping[str, timedelta] = field(default_factory=lambda: DEFAULT_TARGETS)
    business_hours: BusinessHours = field(default_factory=BusinessHours)
    business_hours_channels: frozenset[str] = DEFAULT_BUSINESS_HOURS_CHANNELS
    wake_on_reply: bool = True  # a customer's new message wakes a snoozed ticket (snooze.*)

    def target(self, channel: str) -> timedelta:
        """The channel's target; an unknown channel is treated like e-mail."""
        if channel in self.targets:
            return self.targets[channel]
        return self.targets.get(FALLBACK_CHANNEL, DEFAULT_TARGETS[FALLBACK_CHANNEL])

    def uses_business_hours(self, channel: str) -> bool:
        if channel not in self.targets and channel not in CHANNELS:
            channel = FALLBACK_CHANNEL
        return channel in self.business_hours_channels

    def due(self, channel: str, waiting_since: datetime) -> datetime:
        """When a customer of `channel` waiting since then must have been answered (`due_at`)."""
        return due_at(channel, waiting_since, self)

    def urgency(self, channel: str, due: datetime, now: datetime) -> Urgency:
        """`urgency` measured against this channel's target."""
        return urgency(due, now, target=self.target(channel))

    @property
    def fingerprint(self) -> str:
        """Everything due times depend on, as one string: stored due times made under another
        (an older rule, a changed `sla:` or time zone) are recomputed (store.due.settle_due)."""
        hours = self.business_hours
        parts = [
            f"rule={DUE_RULE}",
            *(f"{name}={self.targets[name].total_seconds():g}" for name in sorted(self.targets)),
            "days=" + ",".join(str(day) for day in sorted(hours.days)),
            f"open={hours.start:%H:%M}-{hours.end:%H:%M}",
            f"tz={getattr(hours.tz, 'key', None) or hours.tz}",
            "business=" + ",".join(sorted(self.business_hours_channels)),
        ]
        return ";".join(parts)

    @classmethod
    def from_config(cls, config: Config | StartConfig) -> SlaPolicy:
        """The policy the config describes: `sla:`, `snooze.wake_on_reply`, `seller.timezone`
        (of the validated config, or of the start's settings from the cache)."""
        sla = config.sla
        hours = sla.business_hours
        return cls(
            targets=MappingProxyType(
                {name: parse_duration(getattr(sla.targets, name)) for name in CHANNELS}
            ),
            business_hours=BusinessHours(
                days=frozenset(WEEKDAYS.index(day) for day in hours.days),
                start=time.fromisoformat(hours.start),
                end=time.fromisoformat(hours.end),
                tz=config.seller.tzinfo,
            ),
            business_hours_channels=frozenset(sla.business_hours_channels),
            wake_on_reply=config.snooze.wake_on_reply,
        )


DEFAULT_POLICY = SlaPolicy()

DUE_RULE = 2
"""The version of the rule `due_at` follows; stored due times of an older one are recomputed.
1: a business-hours target counted in opening hours (48h: six 8-hour days). 2: a day of it
is a working day (48h: two working days)."""


def due_at(channel: str, waiting_since: datetime, policy: SlaPolicy = DEFAULT_POLICY) -> datetime:
    """When the seller must have answered a customer who has been waiting since `waiting_since`.

    Around-the-clock channels: `waiting_since + target`. Business-hours channels: the clock
    runs only while the seller is open, and each whole day of the target is a working day
    (`working_time`), so 48h is two working days and the result falls within opening hours.
    """
    if waiting_since.tzinfo is None:
        raise ValueError("waiting_since must be timezone-aware")
    start = waiting_since.astimezone(UTC)
    target = policy.target(channel)
    if not policy.uses_business_hours(channel):
        return start + target
    hours = policy.business_hours
    return add_business_time(start, working_time(target, hours), hours)


def working_time(target: timedelta, hours: BusinessHours) -> timedelta:
    """The opening time a business-hours target stands for: each whole day of it one working
    day (`hours.day_length`), the rest as it is. A seller's "48h" or "2d" means two working
    days (Monday 10:00 → Wednesday 10:00), not 48 opening hours (six 8-hour days); "4h" is
    four working hours. (Freshdesk counted day targets the same way until 2026.)"""
    days, rest = divmod(target, timedelta(days=1))
    return days * hours.day_length + rest


def is_late(due: datetime, now: datetime) -> bool:
    """Whether a reply is late at `now`: after its due time (at the due time it is in time).
    The list's labels and colours, the thread and the stats all decide by this."""
    return now > due


def add_business_time(start: datetime, amount: timedelta, hours: BusinessHours) -> datetime:
    """The moment `amount` of business time after `start` (aware datetimes, UTC result)."""
    start = start.astimezone(UTC)
    remaining = amount
    # The local day before covers a window that started yesterday and runs past midnight UTC.
    day = start.astimezone(hours.tz).date() - timedelta(days=1)
    while True:
        span = hours.window(day)
        if span is not None and span[1] > start:
            begin = max(span[0], start)
            available = span[1] - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        day += timedelta(days=1)


def time_left(due: datetime, now: datetime) -> timedelta:
    """How long until `due`; negative once it has passed."""
    return due - now


def urgency(
    due: datetime, now: datetime, *, target: timedelta = DEFAULT_TARGETS["amazon"]
) -> Urgency:
    """'breached' once due has passed (`is_late`), 'soon' with under 25 % of `target` left,
    else 'ok'."""
    if is_late(due, now):
        return "breached"
    left = time_left(due, now)
    if left < target * SOON_FRACTION:
        return "soon"
    return "ok"
