"""The reply's text in the composer: Textual's TextArea that selects a span by character offsets
(a missing value, so typing replaces it) and keeps the cursor in view when its size changes."""

from __future__ import annotations

from textual.widgets import TextArea
from textual.widgets.text_area import Document, Selection


class ReplyText(TextArea):
    """The text of a reply, soft-wrapped; Tab leaves it (the composer's keys need no tab)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, tab_behavior="focus")

    def select_span(self, start: int, end: int) -> None:
        """Select characters `start`..`end` of the text, the cursor at its start (so the
        start is what scrolls into view)."""
        document = self._text
        self.selection = Selection(
            document.get_location_from_index(end), document.get_location_from_index(start)
        )

    @property
    def offset_at_cursor(self) -> int:
        """Where the selection starts (or the cursor is), as a character index."""
        return self._text.get_index_from_location(min(self.selection))

    @property
    def _text(self) -> Document:
        document = self.document
        assert isinstance(document, Document)  # a plain TextArea holds a Document
        return document

    def _on_resize(self) -> None:
        # hidden while the template list takes its room (narrow terminals), the text gets its
        # size back after a gap was selected: the selection must still be in view then
        super()._on_resize()
        self.scroll_cursor_visible(center=True)
