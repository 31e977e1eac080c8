"""What is unusual now: a channel, topic, tag, product, or a product's topic, whose tickets this
week are well above that series' own usual level. Pure; docs/stats.md explains it to sellers.

The test: over the usual weeks (the 8 weeks before this one, or as many as the store has, at
least 2), a series had `b` tickets in `d` days; if tickets came at that steady rate, this week's
count would be Poisson-distributed with mean 7 × (b + ½) / d (the half ticket keeps a series
never seen before from being infinitely surprising). A series is unusual when
  - this week has at least MIN_COUNT tickets and at least MIN_RATIO times that mean, and
  - a week this busy or busier would come by chance less than ALPHA / m of the time, where m is
    how many series had MIN_COUNT or more this week (Bonferroni: over every series looked at,
    a false alarm in fewer than 1 week in 100).
A flag whose extra tickets are mostly those of a narrower flag already raised ("Damaged item"
when "Damaged item for Linen tea towels" explains it) is left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

WEEK = timedelta(days=7)
BASELINE = timedelta(days=56)  # the usual level: the 8 weeks before this one
MIN_BASELINE = timedelta(days=14)  # less history than this: nothing is flagged
MIN_COUNT = 3
MIN_RATIO = 2.0
ALPHA = 0.01
PRIOR = 0.5  # tickets added to the usual weeks' count
OTHER, OTHER_LABEL = "other", "Questions no template fits"  # the topic of no template
EXPLAINED = 0.5  # a flag is left out when a narrower one holds this share of its extra tickets

# narrowest first: a flag raised earlier in this order can explain a later one
KINDS = ("product+topic", "product", "topic", "tag", "channel")


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What the test needs to know of one ticket."""

    id: int
    created: datetime
    channel: str
    topic: str | None = None
    tags: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # product keys


@dataclass(frozen=True, slots=True)
class Unusual:
    """One series that is unusual now, and why."""

    trend: str  # stable key, e.g. "product+topic:LINEN-TT-3|Damaged item"
    kind: str  # one of KINDS
    label: str  # "Damaged item for Linen tea towels (set of 3)"
    this_week: int
    usual: float  # tickets a week, on average, over the usual weeks
    expected: float  # the Poisson mean the test used (usual, plus the half ticket)
    chance: float  # how likely a week this busy is by chance at the usual rate
    tickets: frozenset[int] = field(default_factory=frozenset)
    filters: tuple[tuple[str, str], ...] = ()  # search fields that find the series' tickets

    @property
    def explanation(self) -> str:
        """'Damaged item for Linen tea towels (set of 3): 7 this week, usually 0.2'."""
        return f"{self.label}: {self.this_week} this week, usually {usual_label(self.usual)}"


def usual_label(per_week: float) -> str:
    if per_week == 0:
        return "none"
    return f"{per_week:.1f}" if per_week < 10 else f"{per_week:.0f}"


def poisson_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean), accurate for small tails (summed in log space)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    log_mean = math.log(mean)

    def term(i: int) -> float:
        return math.exp(i * log_mean - mean - math.lgamma(i + 1))

    if k <= mean:  # the tail is big: 1 minus the head
        return max(0.0, min(1.0, 1.0 - sum(term(i) for i in range(k))))
    total, i = 0.0, k
    while True:
        value = term(i)
        total += value
        if value < total * 1e-16 or i > k + 10_000:
            return min(1.0, total)
        i += 1


@dataclass
class _Series:
    trend: str
    kind: str
    label: str
    filters: tuple[tuple[str, str], ...]
    now: set[int] = field(default_factory=set)
    before: int = 0


def find_unusual(
    tickets: Iterable[TicketFacts],
    *,
    now: datetime,
    history_start: datetime | None,
    product_names: dict[str, str] | None = None,
) -> list[Unusual]:
    """The unusual series, most surprising first. `history_start`: when the store's oldest
    ticket began (None: an empty store)."""
    week_start = now - WEEK
    if history_start is None or week_start - history_start < MIN_BASELINE:
        return []
    baseline_start = max(history_start, week_start - BASELINE)
    days = (week_start - baseline_start).total_seconds() / 86400
    names = product_names or {}
    series: dict[str, _Series] = {}
    for ticket in tickets:
        if not baseline_start <= ticket.created < now:
            continue
        recent = ticket.created >= week_start
        for entry in _series_of(ticket, names, series):
            if recent:
                entry.now.add(ticket.id)
            else:
                entry.before += 1
    tested = [s for s in series.values() if len(s.now) >= MIN_COUNT]
    flags = []
    for entry in tested:
        expected = 7 * (entry.before + PRIOR) / days
        count = len(entry.now)
        if count < MIN_RATIO * expected:
            continue
        chance = poisson_tail(count, expected)
        if chance < ALPHA / len(tested):
            usual = 7 * entry.before / days
            flags.append(
                Unusual(
                    entry.trend,
                    entry.kind,
                    entry.label,
                    count,
                    usual,
                    expected,
                    chance,
                    frozenset(entry.now),
                    entry.filters,
                )  # fmt: skip
            )
    return _unexplained(flags)


def _series_of(
    ticket: TicketFacts, names: dict[str, str], series: dict[str, _Series]
) -> list[_Series]:
    keys: list[tuple[str, str, str, tuple[tuple[str, str], ...]]] = [
        (f"channel:{ticket.channel}", "channel", ticket.channel, (("channel", ticket.channel),))
    ]
    if ticket.topic is not None:
        topic = OTHER_LABEL if ticket.topic == OTHER else ticket.topic
        keys.append((f"topic:{ticket.topic}", "topic", topic, (("topic", ticket.topic),)))
    keys += [(f"tag:{tag}", "tag", f"#{tag}", (("tag", tag),)) for tag in ticket.tags]
    for product in ticket.products:
        name = names.get(product, product)
        keys.append((f"product:{product}", "product", name, (("product", product),)))
        if ticket.topic is not None:
            keys.append(
                (f"product+topic:{product}|{ticket.topic}", "product+topic",
                 f"{topic} for {name}", (("product", product), ("topic", ticket.topic)))
            )  # fmt: skip
    found = []
    for trend, kind, label, filters in keys:
        entry = series.get(trend)
        if entry is None:
            entry = series[trend] = _Series(trend, kind, label, filters)
        found.append(entry)
    return found


def _unexplained(flags: Sequence[Unusual]) -> list[Unusual]:
    """Leave out a flag whose extra tickets are mostly those of a narrower flag kept before it."""
    kept: list[Unusual] = []
    for flag in sorted(flags, key=lambda f: (KINDS.index(f.kind), f.chance)):
        extra = flag.this_week - flag.expected
        if any(len(flag.tickets & other.tickets) >= EXPLAINED * extra for other in kept):
            continue
        kept.append(flag)
    return sorted(kept, key=lambda f: (f.chance, -f.this_week, f.trend))
