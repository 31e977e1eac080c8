"""The view bar: the numbered views with their ticket counts, the current one highlighted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from inbox_tui.tui.keymap import key_hint
from inbox_tui.tui.ticket_views import VIEW_NAMES


class Item(NamedTuple):
    """One view on the bar: its key ("1"), its name and its ticket count ("" to leave it out)."""

    key: str
    name: str
    total: str = ""
    current: bool = False


def bar_items(
    counts: Mapping[str, int], current: str, label: str, *, all_counts: bool
) -> list[Item]:
    """The views the bar shows: the numbered ones, then the current one when it is another
    (a channel, a tag); without `all_counts`, only Due and the current view keep theirs."""
    items = []
    for number, view in enumerate(VIEW_NAMES, start=1):
        counted = all_counts or view in ("due", current)
        count = f"{counts.get(view, 0):,}" if counted else ""
        items.append(Item(str(number), view.capitalize(), count, view == current))
    if current not in VIEW_NAMES:
        items.append(Item("", label, f"{counts.get(current, 0):,}", True))
    return items


def item_width(item: Item) -> int:
    """ " 1 Due 119 ": the cells of one item, its padding included."""
    return 1 + sum(cell_len(part) + 1 for part in (item.key, item.name, item.total) if part)


class ViewBar(Widget):
    """The numbered views and their ticket counts, the one shown highlighted.

    The line is drawn when it is shown (`render`), not when the counts change: wide terminals
    hide it behind the sidebar, and a view switch should not draw what nobody sees. Its size
    never depends on what it says, so a change repaints the line without a layout. It is
    made to fit: all counts, then only Due's and the current view's, with the key of the
    view picker last when there is room ("c views").
    """

    COMPONENT_CLASSES = {"view-bar--current", "view-bar--key"}

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.counts: dict[str, int] = dict.fromkeys(VIEW_NAMES, 0)
        self.current = "all"
        self.label = "All"

    def show(self, counts: Mapping[str, int], current: str, label: str = "") -> None:
        self.counts = dict(counts)
        self.current = current
        self.label = label or current.capitalize()
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width or 80
        picker = Item(key_hint("main.pick_view"), "views")
        for all_counts in (True, False):
            items = bar_items(self.counts, self.current, self.label, all_counts=all_counts)
            if sum(map(item_width, items)) <= width:
                break
        if sum(map(item_width, [*items, picker])) <= width:
            items.append(picker)
        return self._line(items)

    def _line(self, items: list[Item]) -> Text:
        current_style = self.get_component_rich_style("view-bar--current")
        key_style = self.get_component_rich_style("view-bar--key")
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for item in items:
            start = len(text)
            text.append(" ")
            if item.key:
                text.append(item.key, key_style)
                text.append(" ")
            text.append(item.name + (f" {item.total}" if item.total else "") + " ")
            if item.current:
                text.stylize(current_style, start, len(text))
        return text
