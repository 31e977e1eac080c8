"""How the shop is doing: how fast it answers, what customers ask about, what keeps coming back.

One period (the last N days) beside the one before it, so a trend shows as a change:
- first response per channel: median and 90th percentile of the time from the customer's
  first message to the seller's first answer, and how many were answered within the
  channel's SLA target (the same targets and business hours as the Due view);
- what customers ask about: each new ticket's first message matched to the template library
  with the composer's suggester (suggest.py), language versions counted as one topic;
- tags on the period's tickets, and the backlog now (open, overdue, pending, snoozed).

Reads the store through store/stats.py; renders with rich, for `inbox-tui stats` and the TUI.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text

from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy, due_at
from inbox_tui.store.db import Store
from inbox_tui.store.stats import Backlog, PeriodTicket, backlog, replies_sent, tag_counts
from inbox_tui.store.stats import tickets_started as _tickets_started
from inbox_tui.suggest import Suggester
from inbox_tui.templates import Template

OTHER = "other"  # a ticket no template matches
TOP = 8  # topics and tags shown
TOPIC_TEXT = 1500  # characters of a first message read to find its topic


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
    name: str
    now: int
    before: int


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


def percentile(values: Sequence[timedelta], share: float) -> timedelta | None:
    """The nearest-rank percentile (share 0.5: the median) of durations; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))  # ceil(share * n), exact
    return ordered[min(rank, len(ordered)) - 1]


def responses(label: str, tickets: Sequence[PeriodTicket], sla: SlaPolicy) -> Responses:
    waits: list[timedelta] = []
    within = 0
    asked = [t for t in tickets if t.first_inbound is not None]
    for ticket in asked:
        if ticket.first_answer is None or ticket.first_inbound is None:
            continue
        waits.append(ticket.first_answer - ticket.first_inbound)
        if ticket.first_answer <= due_at(ticket.channel, ticket.first_inbound, sla):
            within += 1
    return Responses(
        label,
        len(asked),
        len(waits),
        percentile(waits, 0.5),
        percentile(waits, 0.9),
        within,
    )


def topic_of(ticket: PeriodTicket, suggester: Suggester, names: dict[str, str]) -> str:
    """The template topic a ticket's first message is about, or OTHER."""
    if not ticket.first_text.strip():
        return OTHER
    text = ticket.first_text[:TOPIC_TEXT]  # the question is at the start; quotes follow
    best = suggester.rank(text, channel=ticket.channel, top=1)
    return names[best[0].key] if best else OTHER


def topic_names(templates: Sequence[Template]) -> dict[str, str]:
    """Each template key → its topic's name: `wismo-tr` counts as `wismo` (Where is my order)."""
    by_key = {t.key: t for t in templates}
    names: dict[str, str] = {}
    for template in templates:
        base = template.key
        suffix = f"-{template.language}"
        if base.endswith(suffix) and base[: -len(suffix)] in by_key:
            base = base[: -len(suffix)]
        names[template.key] = by_key[base].name
    return names


def _trends(now: Counter[str], before: Counter[str], top: int = TOP) -> list[Trend]:
    names = sorted(set(now) | set(before), key=lambda n: (-now[n], -before[n], n))
    return [Trend(name, now[name], before[name]) for name in names[:top]]


def build_report(
    store: Store,
    *,
    now: datetime,
    days: int = 30,
    sla: SlaPolicy = DEFAULT_POLICY,
    templates: Sequence[Template] = (),
) -> Report:
    """The last `days` days up to `now`, beside the `days` before them."""
    start = now - timedelta(days=days)
    earlier = start - timedelta(days=days)
    current = _tickets_started(store, start, now)
    previous = _tickets_started(store, earlier, start)
    names = topic_names(templates)
    report = Report(
        start=start,
        end=now,
        days=days,
        tickets=len(current),
        tickets_before=len(previous),
        replies=replies_sent(store, start, now),
        replies_before=replies_sent(store, earlier, start),
        overall=responses("all", current, sla),
        overall_before=responses("all", previous, sla),
    )
    by_channel: dict[str, list[PeriodTicket]] = {}
    for ticket in current:
        by_channel.setdefault(ticket.channel, []).append(ticket)
    report.channels = [
        responses(channel, tickets, sla)
        for channel, tickets in sorted(by_channel.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    if templates:
        suggester = Suggester(templates)
        report.topics = _trends(
            Counter(topic_of(t, suggester, names) for t in current),
            Counter(topic_of(t, suggester, names) for t in previous),
        )
    report.tags = _trends(
        Counter(tag_counts(store, [t.id for t in current])),
        Counter(tag_counts(store, [t.id for t in previous])),
    )
    report.backlog = backlog(store, now)
    return report


# --- rendering -------------------------------------------------------------------------------


def duration_label(value: timedelta | None) -> str:
    """'–', '45m', '3.5h', '2.1d'."""
    if value is None:
        return "–"
    hours = value.total_seconds() / 3600
    if hours < 1:
        return f"{max(0, round(hours * 60))}m"
    if hours < 48:
        return f"{hours:.1f}h"
    return f"{hours / 24:.1f}d"


def change_label(now: int, before: int) -> Text:
    if before == 0:
        return Text("new" if now else "–", style="dim")
    change = (now - before) / before
    style = "red" if change >= 0.25 else "green" if change <= -0.25 else "dim"
    return Text(f"{change:+.0%}", style=style)


def share_label(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def render_report(report: Report) -> Group:
    """Tables for a terminal; every string from the store goes in as plain Text."""
    days = report.days
    head = Text.assemble(
        (f"Last {days} days", "bold"),
        f"  {report.tickets} new tickets (",
        change_label(report.tickets, report.tickets_before),
        f"), {report.replies} replies sent (",
        change_label(report.replies, report.replies_before),
        ")",
    )
    first = Table(title="First response", title_justify="left", expand=False)
    for column in ("channel", "tickets", "answered", "median", "90%", "within target"):
        first.add_column(column, justify="left" if column == "channel" else "right")
    for row in [*report.channels, report.overall]:
        first.add_row(
            Text(row.label, style="bold" if row is report.overall else ""),
            str(row.tickets),
            str(row.answered),
            duration_label(row.median),
            duration_label(row.p90),
            share_label(row.within_share),
        )
    before = report.overall_before
    first.caption = (
        f"the {days} days before: median {duration_label(before.median)},"
        f" within target {share_label(before.within_share)}"
    )
    parts: list = [head, first]
    for title, column, trends in (
        ("What customers ask about", "topic", report.topics),
        ("Tags", "tag", report.tags),
    ):
        if not trends:
            continue
        table = Table(title=title, title_justify="left")
        table.add_column(column)
        table.add_column("tickets", justify="right")
        table.add_column(f"{days} days before", justify="right")
        table.add_column("change", justify="right")
        for trend in trends:
            table.add_row(
                Text(trend.name),
                str(trend.now),
                str(trend.before),
                change_label(trend.now, trend.before),
            )
        parts.append(table)
    if report.backlog is not None:
        b = report.backlog
        parts.append(
            Text.assemble(
                ("Now ", "bold"),
                f"{b.open} open, ",
                (f"{b.overdue} overdue", "bold red" if b.overdue else ""),
                f", {b.pending} pending, {b.snoozed} snoozed",
            )
        )
    return Group(*parts)
