"""One line under the status line: the most surprising unusual trend the seller has not seen
on the stats screen yet, and how many more there are. Hidden when there is none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from inbox_tui.stats.unusual import Unusual


class TrendLine(Static):
    """Shows `Unusual` trends (most surprising first) until they are seen."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Content(""), id=id, classes="-none")
        self.trends: list[Unusual] = []

    def show(self, trends: Sequence[Unusual]) -> None:
        self.trends = list(trends)
        self.set_class(not self.trends, "-none")
        if not self.trends:
            self.update(Content(""))
            return
        more = len(self.trends) - 1
        self.update(
            Content.assemble(
                ("▲ ", "bold $text-warning"),
                (self.trends[0].explanation, "$text"),  # (text, style): names are data, not markup
                (f" · {more} more" if more else "", "$text-muted"),
                (" · S for stats", "$text-muted"),
            )
        )

    def forget(self, seen: frozenset[str]) -> None:
        """Leave out the trends the seller has now seen."""
        self.show([trend for trend in self.trends if trend.trend not in seen])
