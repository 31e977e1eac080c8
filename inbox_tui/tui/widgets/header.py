"""The screens' header: Textual's Header, with a title that changes without redrawing the screen.

The main screen's sub-title changes on every view switch, search and selection. Textual
handles that expensively for a line whose size never depends on its text: setting
`Screen.sub_title` repaints the whole screen, and `HeaderTitle.update` lays it out
(`Static.update` asks for a layout by default) — together most of a view switch's frame
at 160x48. `show_sub_title` sets it quietly and repaints the title line only.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.visual import VisualType
from textual.widgets import Header
from textual.widgets._header import HeaderTitle  # not re-exported; Header composes it


class QuietHeaderTitle(HeaderTitle):
    """The title line: a new title repaints the line only."""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        super().update(content, layout=False)


class InboxHeader(Header):
    """Header whose title changes repaint one line instead of laying out the screen."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield QuietHeaderTitle() if type(widget) is HeaderTitle else widget

    def show_sub_title(self, sub_title: str) -> None:
        """Set the screen's sub-title and repaint this line, not the screen."""
        self.screen.set_reactive(Screen.sub_title, sub_title)
        self.query_one(QuietHeaderTitle).update(self.format_title())
