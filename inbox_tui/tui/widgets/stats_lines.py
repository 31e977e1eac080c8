"""The stats screen's lines: the report as rows of a list, each with the search behind it.

A row is a Rich grid: a name, a chart (Textual's Sparkline renderable: one bar a day, from the
lowest day to the highest) and its numbers. Colours come from the theme (`Palette`), so the
screen reads in light and dark themes. Every name from the store goes in as plain Text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.color import Color
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.renderables.sparkline import Sparkline

from inbox_tui.stats.report import ProductRow, Report, Responses, Trend, unusual_query
from inbox_tui.stats.text import chance_label, change_label, duration_label, share_label

NUMBERS = 21  # columns of a row's numbers, under "tickets before change"


@dataclass(frozen=True, slots=True)
class Palette:
    """The theme's colours, as Rich wants them."""

    low: Color  # a chart's lowest value
    high: Color  # and its highest
    up: str  # a change for the worse (more tickets): a style
    down: str  # for the better
    alert: str  # what needs the seller's eye
    muted: str


@dataclass(frozen=True, slots=True)
class Line:
    """One row: what it shows, the search that lists its tickets, the view's name if kept."""

    prompt: RenderableType
    query: str = ""
    label: str = ""
    heading: bool = False


@dataclass(frozen=True, slots=True)
class Widths:
    """Columns of a row: its name, its chart (a whole number of columns a day when it fits)."""

    label: int
    chart: int

    @classmethod
    def fit(cls, width: int, days: int) -> Widths:
        label = 30 if width >= 120 else 16 if width < 70 else 20
        chart = max(8, width - label - NUMBERS - 2)
        return cls(label, chart - chart % days if chart >= days else chart)


def report_lines(report: Report, palette: Palette, widths: Widths) -> list[Line]:
    """Every row of the screen for `report`, top to bottom."""
    lines = _unusual(report, palette)
    everything, *channels = report.daily
    lines.append(_heading("Tickets per day", palette, widths))
    lines.append(_series(everything, "All tickets", palette, widths, height=3))
    lines += [_series(c, c.name, palette, widths) for c in channels]
    lines += _responses(report, palette, widths)
    lines += _backlog(report, palette, widths)
    for title, trends in (("What customers ask about", report.topics), ("Tags", report.tags)):
        if trends:
            lines.append(_heading(title, palette, widths))
            lines += [_series(t, t.title, palette, widths) for t in trends]
    if report.products:
        lines.append(_heading("Products", palette, widths))
        lines += [_product(p, palette, widths) for p in report.products]
    return lines


def _grid(widths: Widths) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=widths.label, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=widths.chart, no_wrap=True, overflow="ellipsis")
    grid.add_column(width=NUMBERS, justify="right", no_wrap=True)
    return grid


def _chart(values: Sequence[float], palette: Palette, height: int = 1) -> Sparkline:
    return Sparkline(list(values), width=None, height=height, min_color=palette.low,
                     max_color=palette.high)  # fmt: skip


def _heading(title: str, palette: Palette, widths: Widths, numbers: str = "") -> Line:
    grid = _grid(widths)
    grid.add_row(Text(title, style="bold"), "", Text(numbers or "tickets before change",
                                                     style=palette.muted))  # fmt: skip
    return Line(grid, heading=True)


def _numbers(now: int, before: int, palette: Palette) -> Text:
    change = change_label(now, before, up=palette.up, down=palette.down)
    change.pad_left(6 - len(change))
    return Text.assemble(f"{now:>7} {before:>6} ", change)


def _series(trend: Trend, name: str, palette: Palette, widths: Widths, height: int = 1) -> Line:
    grid = _grid(widths)
    grid.add_row(Text(name), _chart(trend.daily, palette, height),
                 _numbers(trend.now, trend.before, palette))  # fmt: skip
    return Line(grid, trend.query, name)


def _unusual(report: Report, palette: Palette) -> list[Line]:
    if not report.unusual:
        return [Line(Text("Nothing unusual this week", style=palette.muted), heading=True)]
    lines = [Line(Text("Unusual now", style="bold"), heading=True)]
    for flag in report.unusual:
        text = Text.assemble(
            ("▲ ", palette.alert),
            (flag.explanation, "bold"),
            (f"  by chance {chance_label(flag.chance)}", "italic"),
        )
        lines.append(Line(text, unusual_query(flag), flag.label))
    return lines


def _responses(report: Report, palette: Palette, widths: Widths) -> list[Line]:
    lines = [_heading("First response", palette, widths, "in time")]
    for row in [*report.channels, report.overall]:
        grid = _grid(widths)
        style = "bold" if row is report.overall else ""
        query = f"after:{report.days}d" + ("" if row is report.overall else f" channel:{row.label}")
        grid.add_row(Text(row.label, style=style), _answers(row, palette),
                     Text(share_label(row.within_share)))  # fmt: skip
        lines.append(Line(grid, query, row.label))
    if len(report.weeks) > 1:
        medians = [_hours(w.responses) for w in report.weeks]
        shares = [w.responses.within_share or 0.0 for w in report.weeks]
        for name, values, now in (
            ("Median, by week", medians, duration_label(report.weeks[-1].responses.median)),
            ("In time, by week", shares, share_label(report.weeks[-1].responses.within_share)),
        ):
            grid = _grid(widths)
            grid.add_row(Text(name), _chart(values, palette), Text(f"last week {now}"))
            lines.append(Line(grid, f"after:{report.days}d", name))
    return lines


def _answers(row: Responses, palette: Palette) -> Text:
    return Text.assemble(
        f"{row.answered}/{row.tickets} answered, median {duration_label(row.median)}",
        (f", 90% {duration_label(row.p90)}", palette.muted),
    )


def _hours(responses: Responses) -> float:
    return responses.median.total_seconds() / 3600 if responses.median else 0.0


def _backlog(report: Report, palette: Palette, widths: Widths) -> list[Line]:
    if not report.open_daily:
        return []
    lines = [_heading("Backlog, at each day's end", palette, widths, "now")]
    for name, values, query in (
        ("Open", report.open_daily, "status:open"),
        ("Overdue", report.overdue_daily, "is:overdue"),
    ):
        grid = _grid(widths)
        now = Text(str(values[-1]), style=palette.alert if name == "Overdue" and values[-1] else "")
        grid.add_row(Text(name), _chart(values, palette, height=2), now)
        lines.append(Line(grid, query, name))
    return lines


def _product(row: ProductRow, palette: Palette, widths: Widths) -> Line:
    grid = _grid(widths)
    grid.add_row(Text(row.name), _chart(row.daily, palette),
                 _numbers(row.tickets, row.before, palette))  # fmt: skip
    about = ", ".join(f"{topic} {n}" for topic, n in row.topics)
    per_100 = row.per_100_orders
    orders = "" if row.orders is None else f" · {row.orders} orders"
    if per_100 is not None:
        orders += f", {per_100:.0f} tickets per 100"
    grid.add_row("", Text(about + orders, style=palette.muted, overflow="ellipsis"), "")
    return Line(grid, row.query, row.name)
