"""How the shop is doing: how fast it answers, what customers ask about, which products draw
tickets, the backlog day by day, and what is unusual this week. Pure arithmetic on what the
store's reads return (no Textual, no network); docs/stats.md explains every number.

report.py builds the Report; unusual.py is the "unusual now" test; backlog.py replays the
backlog; topics.py and products.py say what tickets are about; text.py prints it for a terminal.
"""

from inbox_tui.stats.report import (
    ProductRow,
    Report,
    Responses,
    Trend,
    WeekResponses,
    build_report,
    percentile,
    responses,
)
from inbox_tui.stats.text import render_report
from inbox_tui.stats.unusual import Unusual

__all__ = [
    "ProductRow",
    "Report",
    "Responses",
    "Trend",
    "Unusual",
    "WeekResponses",
    "build_report",
    "percentile",
    "render_report",
    "responses",
]
