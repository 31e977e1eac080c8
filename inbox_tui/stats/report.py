"""The report: one period (the last N days) beside the one before it, day by day.

Counts new tickets per day and channel; first responses per channel and per week (median,
90th percentile, share within the SLA target: the same targets and business hours as the Due
view); the backlog (open, overdue) at the end of each day, replayed from the events; what
customers ask about (template topics), tags and products, each with its daily counts; and what
is unusual now (unusual.py). Reads the store through store/stats.py, store/trends.py and
store/history.py; everything else here is arithmetic on what they return.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TypeVar

from inbox_tui.search import term_text
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy, is_late
from inbox_tui.stats.backlog import DueTimes, backlog_series
from inbox_tui.stats.products import Product, catalogue
from inbox_tui.stats.topics import OTHER, match_tickets, no_pause
from inbox_tui.stats.unusual import (
    BASELINE,
    OTHER_LABEL,
    WEEK,
    TicketFacts,
    Unusual,
    find_unusual,
)
from inbox_tui.store.db import Store
from inbox_tui.store.history import backlog_history
from inbox_tui.store.stats import Backlog, PeriodTicket, backlog, replies_sent
from inbox_tui.store.stats import tickets_started as _tickets_started
from inbox_tui.store.trends import (
    first_ticket_at,
    order_lines,
    orders_per_product,
    ticket_products,
    ticket_tags,
)
from inbox_tui.templates import Template
from inbox_tui.times import short_day

TOP = 8  # topics, tags and products shown
T = TypeVar("T")
READ_STEPS = (WEEK + BASELINE) // WEEK  # the nine weeks' tickets are read a week at a time
PACE_FACTS = 1000  # tickets between two calls of a `pace` where each costs a few µs


@dataclass(frozen=True, slots=True)
class Responses:
    """First responses of a group of tickets (a channel, or all)."""

    label: str
    tickets: int
    answered: int
    median: timedelta | None
    p90: timedelta | None
    within_target: int  # answered no later than the SLA due time

    @property
    def within_share(self) -> float | None:
        return self.within_target / self.answered if self.answered else None


@dataclass(frozen=True, slots=True)
class Trend:
    """A series: tickets now and in the period before, each day's count, and the search
    that lists them (empty when the name cannot be searched for)."""

    name: str
    now: int
    before: int
    daily: tuple[int, ...] = ()
    query: str = ""
    label: str = ""  # how the screen names it, when not by `name`

    @property
    def title(self) -> str:
        return self.label or self.name


@dataclass(frozen=True, slots=True)
class WeekResponses:
    start: date  # the week's Monday (the seller's time zone)
    responses: Responses


@dataclass(frozen=True, slots=True)
class ProductRow:
    key: str
    name: str
    tickets: int
    before: int
    topics: tuple[tuple[str, int], ...]  # the topics of its tickets, most first
    orders: int | None  # orders placed in the period with it (None: no orders stored)
    daily: tuple[int, ...] = ()
    query: str = ""

    @property
    def per_100_orders(self) -> float | None:
        return 100 * self.tickets / self.orders if self.orders else None


@dataclass
class Report:
    start: datetime
    end: datetime
    days: int
    tickets: int
    tickets_before: int
    replies: int
    replies_before: int
    overall: Responses
    overall_before: Responses
    channels: list[Responses] = field(default_factory=list)
    topics: list[Trend] = field(default_factory=list)
    tags: list[Trend] = field(default_factory=list)
    backlog: Backlog | None = None
    dates: list[date] = field(default_factory=list)  # the period's days, oldest first
    daily: list[Trend] = field(default_factory=list)  # tickets a day: all, then each channel
    weeks: list[WeekResponses] = field(default_factory=list)
    open_daily: tuple[int, ...] = ()  # open tickets at the end of each day (now for today)
    overdue_daily: tuple[int, ...] = ()
    products: list[ProductRow] = field(default_factory=list)
    unusual: list[Unusual] = field(default_factory=list)


def percentile(values: Sequence[timedelta], share: float) -> timedelta | None:
    """The nearest-rank percentile (share 0.5: the median) of durations; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))  # ceil(share * n), exact
    return ordered[min(rank, len(ordered)) - 1]


def responses(label: str, tickets: Sequence[PeriodTicket], sla: SlaPolicy | DueTimes) -> Responses:
    due = sla if isinstance(sla, DueTimes) else DueTimes(sla)
    waits: list[timedelta] = []
    within = 0
    asked = [t for t in tickets if t.first_inbound is not None]
    for ticket in asked:
        if ticket.first_answer is None or ticket.first_inbound is None:
            continue
        waits.append(ticket.first_answer - ticket.first_inbound)
        if not is_late(due(ticket.channel, ticket.first_inbound), ticket.first_answer):
            within += 1
    return Responses(
        label,
        len(asked),
        len(waits),
        percentile(waits, 0.5),
        percentile(waits, 0.9),
        within,
    )


def search_for(filters: Sequence[tuple[str, str]], days: int) -> str:
    """The search that lists a series' tickets of the last `days` days ('' if none can)."""
    terms = [term_text(name, value) for name, value in filters]
    if any(term is None for term in terms):
        return ""
    return " ".join([*terms, f"after:{days}d"])  # type: ignore[list-item]


def build_report(
    store: Store,
    *,
    now: datetime,
    days: int = 30,
    sla: SlaPolicy = DEFAULT_POLICY,
    templates: Sequence[Template] = (),
    tz: tzinfo = UTC,
    match_at_most: int | None = None,
) -> Report:
    """The last `days` days up to `now`, beside the `days` before them; days in `tz`.
    TopicsPending when more than `match_at_most` tickets' topics are still to be matched."""
    due = DueTimes(sla)
    start = now - timedelta(days=days)
    earlier = start - timedelta(days=days)
    unusual_from = now - WEEK - BASELINE
    read_from = min(earlier, unusual_from)
    everything = _tickets_started(store, read_from, now, text=0)
    current = [t for t in everything if t.created is not None and t.created >= start]
    previous = [t for t in everything if t.created is not None and earlier <= t.created < start]
    report = Report(
        start=start,
        end=now,
        days=days,
        tickets=len(current),
        tickets_before=len(previous),
        replies=replies_sent(store, start, now),
        replies_before=replies_sent(store, earlier, start),
        overall=responses("all", current, due),
        overall_before=responses("all", previous, due),
    )
    report.dates = _dates(start, now, tz)
    by_channel: dict[str, list[PeriodTicket]] = {}
    for ticket in current:
        by_channel.setdefault(ticket.channel, []).append(ticket)
    ordered = sorted(by_channel.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    report.channels = [responses(channel, tickets, due) for channel, tickets in ordered]
    report.weeks = _weeks(current, due, tz)
    _series(report, store, everything, current, previous, templates, tz, match_at_most)
    histories, quiet = backlog_history(store, start)
    moments = [min(now, _midnight(day + timedelta(days=1), tz)) for day in report.dates]
    opened, overdue = backlog_series(histories, quiet, moments, due)
    report.open_daily, report.overdue_daily = tuple(opened), tuple(overdue)
    report.backlog = backlog(store, now)
    return report


def _series(
    report: Report,
    store: Store,
    everything: list[PeriodTicket],
    current: list[PeriodTicket],
    previous: list[PeriodTicket],
    templates: Sequence[Template],
    tz: tzinfo,
    match_at_most: int | None,
) -> None:
    """Daily counts per channel, topic, tag and product; the products table; what is unusual."""
    days, now = report.days, report.end
    products = catalogue(order_lines(store))
    names = {product.key: product.name for product in products}
    facts = ticket_facts(store, everything, templates, products, match_at_most)
    index = {day: n for n, day in enumerate(report.dates)}
    # each ticket's facts and day once, for the five kinds of series below
    current_facts = [facts[ticket.id] for ticket in current]
    current_days = [index[_local_day(fact.created, tz)] for fact in current_facts]
    previous_facts = [facts[ticket.id] for ticket in previous]

    def trends(kind: str, values_of, labels: dict[str, str] | None = None) -> list[Trend]:  # noqa: ANN001
        now_count: Counter[str] = Counter()
        before: Counter[str] = Counter()
        daily: dict[str, list[int]] = {}
        for fact, day in zip(current_facts, current_days, strict=True):
            for value in values_of(fact):
                now_count[value] += 1
                row = daily.get(value)
                if row is None:
                    row = daily[value] = [0] * len(report.dates)
                row[day] += 1
        for fact in previous_facts:
            for value in values_of(fact):
                before[value] += 1
        chosen = sorted(set(now_count) | set(before), key=lambda n: (-now_count[n], -before[n], n))
        return [
            Trend(
                name,
                now_count[name],
                before[name],
                tuple(daily.get(name, [0] * len(report.dates))),
                search_for([(kind, name)], days),
                (labels or {}).get(name, ""),
            )  # fmt: skip
            for name in chosen
        ]

    every = trends("all", lambda f: ("all",))
    report.daily = [
        Trend(
            "all",
            report.tickets,
            report.tickets_before,
            every[0].daily if every else (0,) * len(report.dates),
            f"after:{days}d",
        ),  # fmt: skip
        *trends("channel", lambda f: (f.channel,)),
    ]
    if templates:
        report.topics = trends("topic", lambda f: (f.topic,), {OTHER: OTHER_LABEL})[:TOP]
    report.tags = trends("tag", lambda f: f.tags)[:TOP]
    product_trends = trends("product", lambda f: f.products, names)[:TOP]
    orders = orders_per_product(store, report.start, now) if products else {}
    report.products = [
        ProductRow(
            trend.name,
            trend.title,
            trend.now,
            trend.before,
            tuple(
                Counter(
                    topic
                    for t in current
                    if trend.name in facts[t.id].products and (topic := facts[t.id].topic)
                ).most_common(3)
            ),
            orders.get(trend.name, 0) if products else None,
            trend.daily,
            trend.query,
        )
        for trend in product_trends
        if trend.now
    ]
    recent = [f for f in facts.values() if f.created >= now - WEEK - BASELINE]
    report.unusual = find_unusual(
        recent, now=now, history_start=_history_start(store, now), product_names=names
    )


def ticket_facts(
    store: Store,
    tickets: Sequence[PeriodTicket],
    templates: Sequence[Template],
    products: Sequence[Product],
    match_at_most: int | None = None,
    pace: Callable[[], None] = no_pause,
) -> dict[int, TicketFacts]:
    """What each ticket is about: channel, topic (None without templates), tags, products.
    `pace` is called between steps of a few milliseconds each (see match_tickets)."""
    about = (
        match_tickets(store, tickets, templates, products, at_most=match_at_most, pace=pace)
        if templates
        else {}
    )
    ids = [t.id for t in tickets]
    pace()
    tags = ticket_tags(store, ids)
    pace()
    ordered = ticket_products(store, ids)
    facts: dict[int, TicketFacts] = {}
    for t in _paced(tickets, pace):
        facts[t.id] = TicketFacts(
            t.id,
            t.created or t.first_inbound or datetime.min.replace(tzinfo=UTC),
            t.channel,
            topic=about.get(t.id, (OTHER, None))[0] if templates else None,
            tags=tuple(tags.get(t.id, ())),
            products=tuple(sorted(ordered.get(t.id) or _named(about.get(t.id)))),
        )
    return facts


def unusual_now(
    store: Store,
    *,
    now: datetime,
    templates: Sequence[Template] = (),
    pace: Callable[[], None] = no_pause,
) -> list[Unusual]:
    """What is unusual this week (the inbox's line): the same test as the report's, reading
    only the nine weeks it needs, and not the first answers it does not look at. `pace` is
    called between steps of a few milliseconds each: the inbox's worker waits there while
    the seller types (trend_watch.py), and may stop the work there by raising."""
    start = now - WEEK - BASELINE
    tickets: list[PeriodTicket] = []
    for week in range(READ_STEPS):  # by their last message (tickets_by_time): each read once
        last_from = start + week * WEEK
        last_before = last_from + WEEK if week < READ_STEPS - 1 else None
        pace()
        tickets += _tickets_started(
            store, start, now, text=0, answers=False, last_from=last_from, last_before=last_before
        )
    pace()
    products = catalogue(order_lines(store))
    facts = ticket_facts(store, tickets, templates, products, pace=pace)
    history_start = _history_start(store, now)
    return find_unusual(
        _paced(facts.values(), pace),
        now=now,
        history_start=history_start,
        product_names={p.key: p.name for p in products},
    )


def _paced(items: Iterable[T], pace: Callable[[], None]) -> Iterator[T]:
    """`items`, with `pace` called after every PACE_FACTS of them."""
    for n, item in enumerate(items, 1):
        yield item
        if n % PACE_FACTS == 0:
            pace()


def _history_start(store: Store, now: datetime) -> datetime | None:
    """The oldest ticket's start as find_unusual needs it: history older than its baseline
    changes nothing there (it looks back WEEK + BASELINE at most)."""
    return first_ticket_at(store, not_before=now - WEEK - BASELINE)


def _named(about: tuple[str, str | None] | None) -> tuple[str, ...]:
    return (about[1],) if about is not None and about[1] else ()


def unusual_query(flag: Unusual) -> str:
    """The search that lists a flag's tickets of this week."""
    return search_for(flag.filters, WEEK.days)


def _weeks(tickets: Sequence[PeriodTicket], due: DueTimes, tz: tzinfo) -> list[WeekResponses]:
    by_week: dict[date, list[PeriodTicket]] = {}
    for ticket in tickets:
        if ticket.created is not None:
            day = _local_day(ticket.created, tz)
            by_week.setdefault(day - timedelta(days=day.weekday()), []).append(ticket)
    return [
        WeekResponses(week, responses(short_day(week), by_week[week], due))
        for week in sorted(by_week)
    ]


def _local_day(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def _dates(start: datetime, end: datetime, tz: tzinfo) -> list[date]:
    first, last = _local_day(start, tz), _local_day(end, tz)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
