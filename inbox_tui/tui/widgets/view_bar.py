"""The view bar: the numbered views with their ticket counts, the current one highlighted."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widget import Widget

from inbox_tui.tui.ticket_views import VIEW_NAMES


class ViewBar(Widget):
    """The numbered views and their ticket counts, the one shown highlighted.

    The line is drawn when it is shown (`render`), not when the counts change: wide terminals
    hide it behind the sidebar, and a view switch should not draw what nobody sees. Its size
    never depends on what it says, so a change repaints the line without a layout.
    """

    COMPONENT_CLASSES = {"view-bar--current", "view-bar--key"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.counts: dict[str, int] = dict.fromkeys(VIEW_NAMES, 0)
        self.current = "all"

    def show(self, counts: Mapping[str, int], current: str) -> None:
        self.counts = dict(counts)
        self.current = current
        self.refresh()

    def render(self) -> Text:
        current_style = self.get_component_rich_style("view-bar--current")
        key_style = self.get_component_rich_style("view-bar--key")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for number, view in enumerate(VIEW_NAMES, start=1):
            if number > 1:
                text.append(" ")
            start = len(text)
            text.append(" ")
            text.append(str(number), key_style)
            text.append(f" {view.capitalize()} {self.counts.get(view, 0):,} ")
            if view == self.current:
                text.stylize(current_style, start, len(text))
        return text
