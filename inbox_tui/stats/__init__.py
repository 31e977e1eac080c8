"""How the shop is doing: how fast it answers, what customers ask about, which products draw
tickets, the backlog day by day, and what is unusual this week. Pure arithmetic on what the
store's reads return (no Textual widgets, no network); docs/stats.md explains every number.

report.py builds the Report; unusual.py is the "unusual now" test; backlog.py replays the
backlog; topics.py and products.py say what tickets are about; text.py prints it for a
terminal, formats.py as JSON and CSV, html.py and svg.py as a page. Nothing is imported until
asked for (the inbox's first frame imports none of it).
"""

from __future__ import annotations

from typing import Any

_NAMES = {
    "ProductRow": "report",
    "Report": "report",
    "Responses": "report",
    "Trend": "report",
    "WeekResponses": "report",
    "build_report": "report",
    "percentile": "report",
    "responses": "report",
    "render_report": "text",
    "Unusual": "unusual",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    if name not in _NAMES:
        raise AttributeError(f"module 'inbox_tui.stats' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"inbox_tui.stats.{_NAMES[name]}"), name)
