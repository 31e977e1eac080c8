"""The stats screen's lines: the report as rows of a list, each with the search behind it.

A row is a name, a chart (stats/bars.py: one bar a day, from zero to the highest day) and its
numbers, in fixed columns, built once as plain Text (a list measures and draws its prompts
again and again: a Rich table around each cost ~7 ms a row). Colours come from the theme
(`Palette`), so the screen reads in light and dark themes. Names from the store are plain Text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text

from inbox_tui.stats.bars import bar_rows
from inbox_tui.stats.report import ProductRow, Report, Responses, Trend, unusual_query
from inbox_tui.stats.text import chance_label, change_label, duration_label, share_label

NUMBERS = 21  # columns of a row's numbers, under "tickets before change"


@dataclass(frozen=True, slots=True)
class Palette:
    """The theme's colours, as Rich wants them."""

    shades: tuple[str, ...]  # a chart's axis, then its bars from the lowest to the highest
    up: str  # a change for the worse (more tickets): a style
    down: str  # for the better
    alert: str  # what needs the seller's eye
    muted: str


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


@dataclass(frozen=True, slots=True)
class Line:
    """One row: what it shows, the search that lists its tickets, the view's name if kept."""

    prompt: Text
    query: str = ""
    label: str = ""
    heading: bool = False


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


def _row(widths: Widths, label: Text, chart: Sequence[Text], numbers: Text) -> Text:
    """A line (or a few, for a tall chart) of name, chart and numbers in fixed columns."""
    lines = []
    for index, part in enumerate(chart or [Text("")]):
        first = index == 0
        lines.append(
            Text.assemble(
                _fit(label if first else Text(""), widths.label),
                " ",
                _fit(part, widths.chart),
                " ",
                _fit(numbers if first else Text(""), NUMBERS, right=True),
            )
        )
    return Text("\n").join(lines)


def _fit(text: Text, width: int, *, right: bool = False) -> Text:
    fitted = text.copy()
    fitted.truncate(width, overflow="ellipsis")
    padding = " " * (width - fitted.cell_len)
    return Text.assemble(padding, fitted) if right else Text.assemble(fitted, padding)


def _chart(
    values: Sequence[float], palette: Palette, widths: Widths, height: int = 1
) -> list[Text]:
    return [
        Text.assemble(*((chars, palette.shades[shade]) for chars, shade in runs))
        for runs in bar_rows(values, widths.chart, height)
    ]


def _heading(title: str, palette: Palette, widths: Widths, numbers: str = "") -> Line:
    caption = Text(numbers or "tickets before change", style=palette.muted)
    return Line(_row(widths, Text(title, style="bold"), [], caption), heading=True)


def _numbers(now: int, before: int, palette: Palette) -> Text:
    change = change_label(now, before, up=palette.up, down=palette.down)
    return Text.assemble(f"{now:>7} {before:>6} ", _fit(change, 6, right=True))


def _series(trend: Trend, name: str, palette: Palette, widths: Widths, height: int = 1) -> Line:
    chart = _chart(trend.daily, palette, widths, height)
    prompt = _row(widths, Text(name), chart, _numbers(trend.now, trend.before, palette))
    return Line(prompt, trend.query, name)


def _unusual(report: Report, palette: Palette) -> list[Line]:
    if not report.unusual:
        return [Line(Text("Nothing unusual this week", style="bold"), heading=True)]
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
        overall = row is report.overall
        query = f"after:{report.days}d" + ("" if overall else f" channel:{row.label}")
        label = Text(row.label, style="bold" if overall else "")
        prompt = _row(widths, label, [_answers(row, palette)], Text(share_label(row.within_share)))
        lines.append(Line(prompt, query, row.label))
    if len(report.weeks) > 1:
        medians = [_hours(w.responses) for w in report.weeks]
        shares = [w.responses.within_share or 0.0 for w in report.weeks]
        last = report.weeks[-1].responses
        for name, values, now in (
            ("Median, by week", medians, duration_label(last.median)),
            ("In time, by week", shares, share_label(last.within_share)),
        ):
            chart = _chart(values, palette, widths)
            prompt = _row(widths, Text(name), chart, Text(f"last week {now}"))
            lines.append(Line(prompt, f"after:{report.days}d", name))
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
        now = Text(str(values[-1]), style=palette.alert if name == "Overdue" and values[-1] else "")
        prompt = _row(widths, Text(name), _chart(values, palette, widths, height=2), now)
        lines.append(Line(prompt, query, name))
    return lines


def _product(row: ProductRow, palette: Palette, widths: Widths) -> Line:
    about = ", ".join(f"{topic} {n}" for topic, n in row.topics)
    if row.orders is not None:
        about += f" · {row.orders} orders"
    if row.per_100_orders is not None:
        about += f", {row.per_100_orders:.0f} tickets per 100"
    chart = [*_chart(row.daily, palette, widths), Text(about, style=palette.muted)]
    prompt = _row(widths, Text(row.name), chart, _numbers(row.tickets, row.before, palette))
    return Line(prompt, row.query, row.name)
