"""The report for a terminal (`inbox-tui stats`): tables and one-line charts, built with Rich.

Every string from the store (tags, topics, product titles) goes in as plain Text, never markup.
The labels here are shared with the stats screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from inbox_tui.stats.bars import bar_rows
from inbox_tui.stats.report import Report, Trend
from inbox_tui.stats.unusual import Unusual

SHADES = ("grey50", "#5f87af", "#5f87d7", "#d7875f", "#d75f00")  # axis, then low to high
CHART = 24  # columns of a chart in the printed report


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


def change_label(now: int, before: int, *, up: str = "red", down: str = "green") -> Text:
    """'+25%' (in `up` from 25 % on), '-40%' (in `down`), 'new', '–'."""
    if before == 0:
        return Text("new" if now else "–", style="dim")
    change = (now - before) / before
    style = up if change >= 0.25 else down if change <= -0.25 else "dim"
    return Text(f"{change:+.0%}", style=style)


def share_label(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


def chance_label(chance: float) -> str:
    """How often a week this busy comes by chance at the usual rate: 'about once in 2,400
    weeks'."""
    if chance <= 1e-6:
        return "less than once in a million weeks"
    return f"about once in {round(1 / chance):,} weeks"


def period_line(report: Report) -> Text:
    return Text.assemble(
        (f"Last {report.days} days", "bold"),
        f"  {report.tickets} new tickets (",
        change_label(report.tickets, report.tickets_before),
        f"), {report.replies} replies sent (",
        change_label(report.replies, report.replies_before),
        ")",
    )


def backlog_line(report: Report, *, alert: str = "bold red") -> Text:
    b = report.backlog
    if b is None:
        return Text("")
    return Text.assemble(
        ("Now ", "bold"),
        f"{b.open} open, ",
        (f"{b.overdue} overdue", alert if b.overdue else ""),
        f", {b.pending} pending, {b.snoozed} snoozed",
    )


def flag_line(flag: Unusual) -> Text:
    return Text.assemble(
        ("▲ ", "bold"), flag.explanation, (f"  ({chance_label(flag.chance)})", "dim")
    )


def chart(values: Sequence[int], width: int = CHART) -> Text:
    """One line of bars, one a day (or the busiest of a few days, for long periods)."""
    [runs] = bar_rows(values, width)
    return Text.assemble(*((chars, SHADES[shade]) for chars, shade in runs))


def render_report(report: Report) -> Group:
    """Tables for a terminal."""
    parts: list[RenderableType] = [period_line(report)]
    if report.unusual:
        parts.append(Text("Unusual now", style="bold"))
        parts += [flag_line(flag) for flag in report.unusual]
    parts.append(_trend_table("Tickets per day", "channel", report.daily, report))
    parts.append(_first_response(report))
    if report.weeks:
        parts.append(_weeks(report))
    if report.open_daily:
        backlog = Table.grid(padding=(0, 2))
        backlog.add_column(width=8)
        backlog.add_column(width=CHART)
        backlog.add_column()
        for name, values in (("open", report.open_daily), ("overdue", report.overdue_daily)):
            backlog.add_row(name, chart(values), f"now {values[-1]}")
        parts += [Text("Backlog at the end of each day", style="bold"), backlog]
    for title, column, trends in (
        ("What customers ask about", "topic", report.topics),
        ("Tags", "tag", report.tags),
    ):
        if trends:
            parts.append(_trend_table(title, column, trends, report))
    if report.products:
        parts.append(_products(report))
    parts.append(backlog_line(report))
    return Group(*parts)


def _trend_table(title: str, column: str, trends: Sequence[Trend], report: Report) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(column, no_wrap=True, max_width=28)
    table.add_column("each day", width=CHART, no_wrap=True)
    table.add_column("tickets", justify="right")
    table.add_column("before", justify="right")
    table.add_column("change", justify="right")
    for trend in trends:
        table.add_row(
            Text(trend.title),
            chart(trend.daily),
            str(trend.now),
            str(trend.before),
            change_label(trend.now, trend.before),
        )
    return table


def _first_response(report: Report) -> Table:
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
        f"the {report.days} days before: median {duration_label(before.median)},"
        f" within target {share_label(before.within_share)}"
    )
    return first


def _weeks(report: Report) -> Table:
    table = Table(title="First response by week", title_justify="left")
    for column in ("week of", "tickets", "answered", "median", "within target"):
        table.add_column(column, justify="left" if column == "week of" else "right")
    for week in report.weeks:
        r = week.responses
        table.add_row(
            r.label,
            str(r.tickets),
            str(r.answered),
            duration_label(r.median),
            share_label(r.within_share),
        )
    return table


def _products(report: Report) -> Table:
    table = Table(title="Products", title_justify="left")
    for column in ("product", "tickets", "before", "about", "orders", "per 100 orders"):
        justify: Literal["left", "right"] = "left" if column in ("product", "about") else "right"
        table.add_column(column, justify=justify)
    for row in report.products:
        per_100 = row.per_100_orders
        table.add_row(
            Text(row.name),
            str(row.tickets),
            str(row.before),
            Text(", ".join(f"{topic} {n}" for topic, n in row.topics)),
            "–" if row.orders is None else str(row.orders),
            "–" if per_100 is None else f"{per_100:.0f}",
        )
    return table
