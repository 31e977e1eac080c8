"""The report as one self-contained HTML page with SVG charts (`inbox-tui report -o week.html`):
no script, no font, no image or style from elsewhere, so it opens in any browser offline.

The page is well-formed XML as well as HTML (void elements closed), which the tests check with
an XML parser; every string from the store is escaped by Jinja2's autoescape.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources

import jinja2
from markupsafe import Markup

from inbox_tui.stats import svg
from inbox_tui.stats.report import ProductRow, Report, Trend, unusual_query
from inbox_tui.stats.text import chance_label, duration_label, share_label
from inbox_tui.times import short_day, stamp_label


def _change(now: int, before: int) -> str:
    if before == 0:
        return "new" if now else "–"
    return f"{(now - before) / before:+.0%}"


def _direction(now: int, before: int) -> str:
    if before == 0:
        return ""
    change = (now - before) / before
    return "up" if change >= 0.25 else "down" if change <= -0.25 else ""


def _spark(row: Trend | ProductRow) -> Markup:
    name = row.title if isinstance(row, Trend) else row.name
    return Markup(svg.spark(f"{name}: tickets each day", row.daily))  # noqa: S704 - built by ElementTree


def render_html(report: Report, *, shop: str = "inbox-tui", generated: datetime) -> str:
    """The page for `report`; `shop` names the seller in its title."""
    everything, *channels = report.daily
    dates = report.dates
    charts = {
        "daily": svg.stacked_bars(
            "New tickets each day, by channel", dates, [(c.name, c.daily) for c in channels]
        ),
        "weeks": svg.stacked_bars(
            "Median first response each week, hours",
            [w.start for w in report.weeks],
            [("median hours", [_hours(w.responses.median) for w in report.weeks])],
            height=160,
        ),
        "backlog": svg.lines(
            "Open and overdue tickets at the end of each day",
            dates,
            [("open", report.open_daily), ("overdue", report.overdue_daily)],
        ),
    }
    template = _environment().get_template("report.html")
    return template.render(
        r=report,
        shop=shop,
        backlog=report.backlog,
        first_day=short_day(dates[0], weekday=True) if dates else "",
        last_day=short_day(dates[-1], weekday=True) if dates else "",
        charts={key: Markup(value) for key, value in charts.items()},  # noqa: S704 - ElementTree
        sections=[
            ("What customers ask about", "topic", report.topics),
            ("Tags", "tag", report.tags),
        ],
        generated=stamp_label(generated, generated.tzinfo or UTC),
        change=_change,
        direction=_direction,
        duration=duration_label,
        share=share_label,
        chance=chance_label,
        query=unusual_query,
        spark=_spark,
        everything=everything,
    )


def _hours(value: object) -> float:
    seconds = getattr(value, "total_seconds", None)
    return round(seconds() / 3600, 1) if seconds else 0.0


def _environment() -> jinja2.Environment:
    source = resources.files("inbox_tui") / "data"
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (source / name).read_text(encoding="utf-8")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
