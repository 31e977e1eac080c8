"""The ticket list: a virtual, line-API list that fetches pages of a view on demand.

It never holds more than a few pages of rows: `virtual_size` is the view's count, and each
visible line asks the page cache for its row, which asks the store for a page when missing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from inbox_tui.sanitize import readable_line
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.store.views import TicketRow
from inbox_tui.times import DUE_LABEL_WIDTH, age_label, due_label
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.ticket_views import Search, count_view, due_times, view_page, view_position

MAX_CACHED_PAGES = 4


MIN_SUBJECT = 8  # cells: below this the row is wider than the list, and is cut
MIN_ROW_WIDTH = 5 + 16 + 2 + 6 + 1 + MIN_SUBJECT  # the narrowest row at its full columns
Pieces = list[tuple[str, Style | None]]  # a row's text, piece by piece, with its style


def _plain(value: str) -> str:
    """One line: the store keeps newlines and tabs in text; a row has room for neither."""
    if "\n" in value or "\t" in value or "\r" in value:
        return " ".join(value.split())
    return value


def fit(value: str, width: int, *, right: bool = False) -> str:
    """`value` cut (ending in "…") or padded to exactly `width` cells."""
    value = _plain(value)
    length = cell_len(value)
    if length > width:
        if width <= 0:
            return ""
        cut = value[: width - 1]  # one cell a character, as in most text: checked
        if cell_len(cut) != width - 1:  # wide or combining characters
            cut = set_cell_size(value, width - 1)
        return cut + "…"
    padding = " " * (width - length)
    return padding + value if right else value + padding


def fit_pieces(pieces: Pieces, width: int) -> Pieces:
    """Styled pieces cut (the last shown ending in "…") or padded to exactly `width` cells."""
    fitted: Pieces = []
    room = width
    for text, style in pieces:
        text = _plain(text)
        length = cell_len(text)
        if length > room:
            fitted.append((fit(text, room), style))
            return fitted
        fitted.append((text, style))
        room -= length
    if room:
        fitted.append((" " * room, None))
    return fitted


class TicketList(ScrollView, can_focus=True):
    """Tickets of one view, newest activity first; the cursor row is the selected ticket."""

    BINDINGS = bindings("list")

    COMPONENT_CLASSES = {
        "ticket-list--cursor",
        "ticket-list--unread",
        "ticket-list--marker",
        "ticket-list--dim",
        "ticket-list--tag",
        "ticket-list--empty",
        "ticket-list--selected",
        "ticket-list--priority",
        "ticket-list--due-ok",
        "ticket-list--due-soon",
        "ticket-list--due-breached",
        "ticket-list--draft",
        "ticket-list--outbox",
        "ticket-list--failed",
    }

    cursor: reactive[int] = reactive(0, always_update=False, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another ticket (None when the view is empty)."""

        def __init__(self, ticket_list: TicketList, ticket: TicketRow | None) -> None:
            super().__init__()
            self.ticket_list = ticket_list
            self.ticket = ticket

        @property
        def control(self) -> TicketList:
            return self.ticket_list

    class Opened(Message):
        """The user asked to open the ticket under the cursor."""

        def __init__(self, ticket_list: TicketList, ticket: TicketRow) -> None:
            super().__init__()
            self.ticket_list = ticket_list
            self.ticket = ticket

        @property
        def control(self) -> TicketList:
            return self.ticket_list

    class SelectionChanged(Message):
        """Tickets were selected or deselected; `selected` is the new selection."""

        def __init__(self, ticket_list: TicketList, selected: frozenset[int]) -> None:
            super().__init__()
            self.ticket_list = ticket_list
            self.selected = selected

        @property
        def control(self) -> TicketList:
            return self.ticket_list

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], datetime],
        view: str | Search = "all",
        page_size: int = 200,
        empty_text: str = "No tickets here.",
        sla: SlaPolicy = DEFAULT_POLICY,
        tz: tzinfo = UTC,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.now = now
        self.view = view
        self.page_size = max(1, page_size)
        self.empty_text = empty_text
        self.sla = sla
        self.tz = tz  # the seller's time zone: due times and dates are in it
        self.count = 0
        self.selected: set[int] = set()  # ticket ids marked with x/space, across views
        self.pages_fetched = 0  # how many times the store was asked for a page
        self._pages: OrderedDict[int, list[TicketRow]] = OrderedDict()
        self._due: dict[int, datetime] = {}  # due times of the cached pages' tickets
        self._announced: int | None = None
        self._line_cache: LRUCache[tuple, Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._base_style: Style | None = None

    # --- data ---------------------------------------------------------------------------------

    @property
    def cached_pages(self) -> int:
        return len(self._pages)

    def row(self, index: int) -> TicketRow | None:
        """The ticket at `index` of the view, fetching its page if it is not cached."""
        if not 0 <= index < self.count:
            return None
        number, offset = divmod(index, self.page_size)
        page = self._pages.get(number)
        if page is None:
            page = view_page(self.store, self.view, number * self.page_size, self.page_size)
            self.pages_fetched += 1
            self._pages[number] = page
            self._due.update(due_times(self.store, [ticket.id for ticket in page]))
            while len(self._pages) > MAX_CACHED_PAGES:
                for ticket in self._pages.popitem(last=False)[1]:
                    self._due.pop(ticket.id, None)
        else:
            self._pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def cached_indices(self, ticket_ids: set[int]) -> dict[int, int]:
        """The index of each of `ticket_ids` found in the cached pages (no store reads)."""
        found: dict[int, int] = {}
        for number, page in self._pages.items():
            for offset, ticket in enumerate(page):
                if ticket.id in ticket_ids:
                    found[ticket.id] = number * self.page_size + offset
        return found

    @property
    def ticket(self) -> TicketRow | None:
        """The ticket under the cursor."""
        return self.row(self.cursor)

    def load(
        self,
        view: str | Search | None = None,
        *,
        keep_ticket: int | None = None,
        fallback_index: int = 0,
        count: int | None = None,
    ) -> None:
        """(Re)read the view from the store: count, cleared cache, cursor kept in range.

        With `keep_ticket`, the cursor goes to that ticket if the view holds it, and otherwise
        to `fallback_index` (after a ticket left the view: the one that took its place).
        `count`, when the caller has just counted the view, saves counting it again.
        """
        if view is not None:
            self.view = view
        self._pages.clear()
        self._due.clear()
        self._line_cache.clear()
        self.count = count_view(self.store, self.view) if count is None else count
        self._set_height(self.count)
        position = None
        if keep_ticket is not None:
            position = view_position(self.store, self.view, keep_ticket, self.count)
        self._announced = None
        index = position if position is not None else fallback_index
        self.set_reactive(TicketList.cursor, self._clamp(index))
        self._scroll_cursor_into_view(self.cursor)
        self.refresh()
        self._announce()

    def _set_height(self, rows: int) -> None:
        """The scroll height, without the layout of the whole screen that setting
        `virtual_size` asks for (~25 ms at 160x48 on every view switch and search): the
        list keeps its size (it has no scrollbar to show or hide, see app.tcss)."""
        size = Size(0, rows)
        if size != self.virtual_size:
            self.set_reactive(TicketList.virtual_size, size)
            self._scroll_update(size)

    # --- selection ----------------------------------------------------------------------------

    def action_toggle_select(self) -> None:
        """Select (or deselect) the cursor's ticket and go on to the next: ten keys for ten."""
        ticket = self.ticket
        if ticket is None:
            return
        self.selected.symmetric_difference_update({ticket.id})
        self.refresh_line(self.cursor)
        self.post_message(self.SelectionChanged(self, frozenset(self.selected)))
        self.cursor += 1

    def clear_selection(self) -> None:
        if self.selected:
            self.selected.clear()
            self._line_cache.clear()
            self.refresh()
            self.post_message(self.SelectionChanged(self, frozenset()))

    # --- cursor -------------------------------------------------------------------------------

    def _clamp(self, value: int) -> int:
        return max(0, min(value, self.count - 1)) if self.count else 0

    def validate_cursor(self, value: int) -> int:
        return self._clamp(value)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_cursor_into_view(new)
        self._announce()

    def _announce(self) -> None:
        ticket = self.ticket
        ticket_id = ticket.id if ticket else None
        if ticket_id != self._announced or ticket is None:
            self._announced = ticket_id
            self.post_message(self.Highlighted(self, ticket))

    def _scroll_cursor_into_view(self, index: int) -> None:
        height = self.scrollable_content_region.height
        top = round(self.scroll_y)
        if height <= 0:
            return
        if index < top:
            self.scroll_to(y=index, animate=False, force=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, force=True)

    def on_mount(self) -> None:
        self.set_interval(60, self._refresh_ages)

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_cursor_into_view(self.cursor)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.count - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_open(self) -> None:
        ticket = self.ticket
        if ticket is not None:
            self.post_message(self.Opened(self, ticket))

    async def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = round(self.scroll_y) + offset.y
        if index < self.count:
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh_line(self.cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh_line(self.cursor)

    # --- rendering ----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._clear_line_cache()

    def _clear_line_cache(self) -> None:
        self._line_cache.clear()
        self._styles.clear()
        self._base_style = None

    def _refresh_ages(self) -> None:
        """Ages ("5m", "3h") move with the clock: re-render the rows now and then."""
        self._line_cache.clear()
        self.refresh()

    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self._styles[name] = self.get_component_rich_style(f"ticket-list--{name}")
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._base_style is None:
            self._base_style = self.rich_style
        base = self._base_style
        index = round(self.scroll_y) + y
        if self.count == 0:
            if y != 1:
                return Strip.blank(width, base)
            text = Text(self.empty_text, style=self._style("empty"), no_wrap=True, end="")
            text.truncate(max(0, width - 2), overflow="ellipsis")
            text.pad_left(2)
            return self._strip(text, width, base)
        ticket = self.row(index)
        if ticket is None:
            return Strip.blank(width, base)
        is_cursor = index == self.cursor
        is_selected = ticket.id in self.selected
        key = (ticket.id, index, width, is_cursor, is_cursor and self.has_focus, is_selected)
        strip = self._line_cache.get(key)
        if strip is None:
            overlay = self._style("selected") if is_selected else None
            if is_cursor:
                overlay = overlay + self._style("cursor") if overlay else self._style("cursor")
            strip = self._line_cache[key] = self._row_strip(ticket, width, base, overlay)
        return strip

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        segments = [
            Segment(segment.text, base + segment.style if segment.style else base)
            for segment in text.render(self.app.console)
        ]
        return Strip(segments).adjust_cell_length(width, base)

    def _row_strip(
        self, ticket: TicketRow, width: int, base: Style, overlay: Style | None
    ) -> Strip:
        """The row as a strip: each piece's style on the widget's, `overlay` (selection,
        cursor) on top — as Text.stylize would, without building a Text (3x faster: a view
        switch draws every visible row anew)."""
        segments = []
        for text, style in self._row_pieces(ticket, width, selected=ticket.id in self.selected):
            style = base + style if style else base
            segments.append(Segment(text, style + overlay if overlay else style))
        if width >= MIN_ROW_WIDTH:  # the pieces are exactly `width` cells: no need to count
            return Strip(segments, width)
        return Strip(segments).adjust_cell_length(width, base)

    def _row_pieces(self, ticket: TicketRow, width: int, *, selected: bool = False) -> Pieces:
        """One row, as (text, style) pieces exactly `width` cells wide: selection, unread,
        flag and reply marks, channel, customer, subject (+priority, tags, snippet), age,
        status."""
        unread, dim = self._style("unread"), self._style("dim")
        # marks 5, channel 8, customer, " ", subject, " ", age 6, "  ", status 9, " "
        channel_w, age_w, status_w = 8, 6, 3 + DUE_LABEL_WIDTH
        customer_w = 24 if width >= 120 else 16
        if width < 70:
            channel_w, status_w = 0, 1
        subject_w = max(MIN_SUBJECT, width - 5 - channel_w - customer_w - 2 - age_w - status_w)

        marker = self._style("marker")
        row: Pieces = [
            ("✓" if selected else " ", marker),
            ("●" if ticket.unread_count else " ", marker),
            ("⚑" if ticket.flagged else " ", marker),
        ]
        # one reply mark, as the thread heads them: a failed reply first (it needs the seller),
        # then a draft (unfinished), then a reply waiting in the outbox
        if ticket.outbox == "failed":
            row.append(("✗", self._style("failed")))
        elif ticket.has_draft:
            row.append(("✎", self._style("draft")))
        elif ticket.outbox == "waiting":
            row.append(("◷", self._style("outbox")))
        else:
            row.append((" ", None))
        row.append((" ", None))
        if channel_w:
            row.append((fit(ticket.channel, channel_w), dim))
        # stores from before sanitize.readable_line may hold invisible characters: shown without
        customer = readable_line(ticket.customer_name or ticket.customer_email) or "(unknown)"
        row.append((fit(customer, customer_w), unread if ticket.unread_count else None))
        row.append((" ", None))

        subject: Pieces = []
        if ticket.priority > 0:
            subject.append(("!" * min(ticket.priority, 3) + " ", self._style("priority")))
        shown = readable_line(ticket.subject) or "(no subject)"
        subject.append((shown, unread if ticket.unread_count else None))
        subject.extend((" #" + tag, self._style("tag")) for tag in ticket.tags)
        if ticket.snippet:
            subject.append((" — " + ticket.snippet, dim))
        row.extend(fit_pieces(subject, subject_w))
        row.append((" ", None))
        age = age_label(ticket.last_message_at, self.now(), self.tz)
        row.append((fit(age, age_w, right=True), dim))
        if status_w > 1:
            row.append(("  ", None))
            due = self._due.get(ticket.id) if ticket.status == "open" else None
            if due is None:
                row.append((fit(ticket.status, status_w - 3), dim))
            else:  # an open ticket waiting for an answer: when it is due says more than "open"
                now = self.now()
                urgency = self.sla.urgency(ticket.channel, due, now)
                label = due_label(due, now, self.tz)
                row.append((fit(label, status_w - 3), self._style(f"due-{urgency}")))
        row.append((" ", None))
        return row
