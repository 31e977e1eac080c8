"""The thread pane: one ticket's messages, oldest first, as plain (never markup) text.

A line-API widget: the thread is wrapped once per width, from the top and only as far as it
is shown (scrolling wraps the next lines as they come into view), and only visible lines are
rendered. A `Static` re-wrapped the whole thread on every layout, several times
per cursor move (benchmarks/README.md, `tui.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style as VisualStyle

from inbox_tui.sanitize import clean_body, clean_line, readable_line
from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.store.due import due_times
from inbox_tui.store.outbox import OutboxEntry, outbox_for_ticket
from inbox_tui.store.rules import RuleNote, rule_notes
from inbox_tui.store.views import MessageRow, TicketRow, get_ticket, ticket_messages
from inbox_tui.times import date_label, due_sentence
from inbox_tui.tui.display import size_label
from inbox_tui.tui.keymap import KEYMAP, binding_id, bindings, key_label, keys_of

STYLE_NAMES = (
    "subject",
    "meta",
    "inbound",
    "outbound",
    "sender",
    "note",
    "attachment",
    "tag",
    "outbox",
    "failed",
    "due-ok",
    "due-soon",
    "due-breached",
)

# How each outbox status is headed in the thread: (label, style name).
OUTBOX_LABELS = {
    "queued": (" ◷ IN THE OUTBOX ", "outbox"),
    "sending": (" ⇡ SENDING ", "outbox"),
    "failed": (" ✗ NOT SENT ", "failed"),
    "sent": (" ✓ SENT ", "outbound"),
}


def _address(name: str, addr: str) -> str:
    name, addr = readable_line(name), readable_line(addr)  # older stores: see readable_line
    if name and addr:
        return f"{name} <{addr}>"
    return name or addr or "(unknown sender)"


def thread_text(
    ticket: TicketRow,
    messages: list[MessageRow],
    *,
    now: datetime,
    styles: Mapping[str, Style],
    max_body_chars: int = 20_000,
    outbox: Sequence[OutboxEntry] = (),
    full_screen: bool = False,
    tz: tzinfo = UTC,
    due: datetime | None = None,
    sla: SlaPolicy = DEFAULT_POLICY,
    rules: Sequence[RuleNote] = (),
) -> Text:
    """The whole thread as one Text built from plain strings: nothing in it is parsed as markup.

    Times are in `tz`; `due`, when the customer waits for an answer, is said under the head,
    coloured as the list colours it. The ticket's outbox replies come last: waiting or failed
    ones with their text (they are not messages yet), sent ones as one line (the sent reply
    is a message of the thread above)."""
    text = Text(end="")
    text.append(readable_line(ticket.subject) or "(no subject)", styles["subject"])
    text.append("\n")
    customer = _address(ticket.customer_name, ticket.customer_email)
    count = f"{ticket.message_count} message" + ("" if ticket.message_count == 1 else "s")
    text.append(f"{customer} · {ticket.channel} · {ticket.status} · {count}", styles["meta"])
    for tag in ticket.tags:
        text.append(" #" + tag, styles["tag"])
    text.append("\n")
    if due is not None:
        urgency = sla.urgency(ticket.channel, due, now)
        text.append(due_sentence(due, now, tz), styles[f"due-{urgency}"])
        text.append("\n")
    if not messages:
        text.append("\nThis ticket has no messages.", styles["note"])
    for message in messages:
        text.append("\n")
        if message.direction == "out":
            text.append(" → YOU REPLIED ", styles["outbound"])
        else:
            text.append(" ← CUSTOMER ", styles["inbound"])
        text.append(" " + _address(message.from_name, message.from_addr), styles["sender"])
        text.append("\n")
        meta = date_label(message.date, now, tz)
        if message.to:
            meta += " · to " + ", ".join(_address(name, addr) for name, addr in message.to)
        text.append(meta, styles["meta"])
        if message.subject and message.subject != ticket.subject:
            text.append("\nSubject: " + readable_line(message.subject), styles["meta"])
        text.append("\n\n")
        body = message.text.strip("\n")
        if len(body) > max_body_chars:
            hidden = len(body) - max_body_chars
            text.append(body[:max_body_chars])
            text.append(f"\n… {hidden:,} more characters not shown", styles["note"])
        elif body:
            text.append(body)
        else:
            text.append("(no text)", styles["note"])
        text.append("\n")
        for filename, content_type, size in message.attachments:
            text.append(
                f"\n📎 {filename or '(unnamed)'}  {size_label(size)}  {content_type}",
                styles["attachment"],
            )
        if message.attachments:
            text.append("\n")
        if message.parse_error:
            text.append("\n")
            text.append(
                f"Note: this message could not be fully read: {message.parse_error}", styles["note"]
            )
            text.append("\n")
    if rules:
        text.append("\n")
    for note in rules:
        line = f"{date_label(note.at, now, tz)} · {rule_said(note)} by rule {note.rule}"
        text.append(
            "\n" + readable_line(line) + (" (undone)" if note.undone else ""), styles["note"]
        )
    if rules:
        text.append("\n")
    for entry in outbox:
        # `R` resends the newest failed reply, unless a newer reply followed it (queue.py)
        hint = None
        if entry is outbox[-1] and entry.status == "failed":
            hint = _resend_hint(full_screen)
        _append_outbox_entry(text, entry, now=now, styles=styles, hint=hint, tz=tz)
    return text


def rule_said(note: RuleNote) -> str:
    """A rule's change in words: "tagged returns", "priority 3", "flagged"."""
    new, old = note.new_value, note.old_value
    said = {
        "tag_add": f"tagged {new}",
        "tag_remove": f"untagged {old}",
        "priority": f"priority {old} → {new}",
        "flag": "flagged" if new == "1" else "unflagged",
        "status": f"marked {new}",
        "snooze": f"snoozed until {(new or '').partition(':')[2]}",
    }
    return said.get(note.kind, f"{note.kind} {new}")


def _resend_hint(full_screen: bool) -> str:
    """How to resend a failed reply, with the keys the seller configured (the list and the
    full-screen thread each have their own binding)."""
    action = "thread_screen.resend" if full_screen else "main.resend"
    key = next(key for key in KEYMAP if binding_id(key) == action)
    return f"{key_label(keys_of(key))} sends it again (same Message-ID)"


def _append_outbox_entry(
    text: Text,
    entry: OutboxEntry,
    *,
    now: datetime,
    styles: Mapping[str, Style],
    hint: str | None = None,
    tz: tzinfo = UTC,
) -> None:
    """One outbox reply: its state and, until it is sent, its text and why it has not gone."""
    label, style = OUTBOX_LABELS.get(entry.status, (f" {entry.status.upper()} ", "outbox"))
    text.append("\n")
    text.append(label, styles[style])
    recipients = ", ".join(clean_line(address) for address in entry.to)
    if recipients:
        text.append(" to " + recipients, styles["sender"])
    text.append("\n")
    if entry.status == "sent":
        when = date_label(entry.sent_at or entry.created_at, now, tz)
        text.append(f"{when} · shown above as your reply", styles["meta"])
        text.append("\n")
        return
    meta = "queued " + date_label(entry.created_at, now, tz)
    if entry.attempts:
        meta += f" · {entry.attempts} attempt" + ("" if entry.attempts == 1 else "s")
    if entry.status == "queued" and entry.attempts and entry.next_attempt_at:
        meta += " · next try " + date_label(entry.next_attempt_at, now, tz)
    text.append(meta, styles["meta"])
    if entry.last_error:
        reason = "Not sent: " if entry.status == "failed" else "Last try: "
        text.append("\n" + reason + clean_line(entry.last_error), styles[style])
    if hint:
        text.append("\n" + hint, styles["note"])
    text.append("\n\n")
    text.append(clean_body(entry.text) or "(no text)")
    text.append("\n")


class ThreadView(ScrollView, can_focus=True):
    """Shows one ticket's thread; `show_ticket` is cheap to call on every cursor move."""

    # The scrollbar is always there (an empty track when the thread fits): showing or hiding
    # it would lay out the whole screen on a cursor move (~25 ms at 160x48), and narrow the
    # text by one column, which would then have to be wrapped again.
    DEFAULT_CSS = """
    ThreadView { overflow-x: hidden; overflow-y: scroll; }
    """

    BINDINGS = bindings("thread")

    COMPONENT_CLASSES = {f"thread-view--{name}" for name in STYLE_NAMES}

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], datetime],
        max_body_chars: int = 20_000,
        full_screen: bool = False,
        tz: tzinfo = UTC,
        sla: SlaPolicy = DEFAULT_POLICY,
        placeholder: str = "Select a ticket to read its messages.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.now = now
        self.max_body_chars = max_body_chars
        self.full_screen = full_screen  # the thread screen's (R works there), not a preview
        self.tz = tz  # the seller's time zone: every date and the due time are in it
        self.sla = sla  # the due time's colour, as the list's
        self.placeholder = placeholder
        self.ticket_id: int | None = None  # the ticket shown
        self.plain = placeholder  # the text shown, for tests and copying
        self._wanted: int | None = None
        self._scheduled = False
        self._drawn_styles: dict[str, Style] = {}
        self._style_map: dict[str, Style] | None = None
        self._lines = WrappedText(Content(placeholder))
        self._resize_scheduled = False
        self._strips: LRUCache[int, Strip] = LRUCache(256)
        self._base_style: Style | None = None

    # --- what is shown ------------------------------------------------------------------------

    def show_ticket(self, ticket_id: int | None, *, immediately: bool = False) -> None:
        """Show `ticket_id` (None: the placeholder). Calls in quick succession read the store once."""
        self._wanted = ticket_id
        if immediately:
            self._render_wanted()
        elif not self._scheduled:
            self._scheduled = True
            self.call_later(self._render_wanted)

    def refresh_ticket(self) -> None:
        """Re-read the shown ticket from the store (after it changed)."""
        self._drawn_styles = {}
        self.show_ticket(self._wanted, immediately=True)

    def _render_wanted(self) -> None:
        self._scheduled = False
        styles = self._styles()
        if self._wanted == self.ticket_id and styles == self._drawn_styles:
            return
        ticket = get_ticket(self.store, self._wanted) if self._wanted is not None else None
        if ticket is None:
            content = Text(self.placeholder, style=styles["note"])
        else:
            due = due_times(self.store, [ticket.id]).get(ticket.id)
            content = thread_text(
                ticket,
                ticket_messages(self.store, ticket.id),
                now=self.now(),
                styles=styles,
                max_body_chars=self.max_body_chars,
                full_screen=self.full_screen,
                outbox=outbox_for_ticket(self.store, ticket.id),
                tz=self.tz,
                due=due if ticket.status == "open" else None,
                sla=self.sla,
                rules=rule_notes(self.store, ticket.id),
            )
        new_ticket = self.ticket_id != self._wanted
        self.ticket_id = ticket.id if ticket else None
        self._drawn_styles = styles
        self.plain = content.plain
        self._lines = WrappedText(Content.from_rich_text(content))
        if new_ticket:
            self.scroll_to(0, 0, animate=False, force=True)
        self._wrap_for_screen()

    def _styles(self) -> dict[str, Style]:
        # computed once per style change, not per cursor move (~1 ms for the ten of them)
        if self._style_map is None:
            self._style_map = {
                name: self.get_component_rich_style(f"thread-view--{name}") for name in STYLE_NAMES
            }
        return self._style_map

    # --- wrapping -----------------------------------------------------------------------------

    def _wrap_for_screen(self) -> None:
        """Wrap the text to the pane's width as far as the pane shows it, and size the
        scrollable area: exact when all is wrapped, else estimated (and corrected as scrolling
        wraps more). A preview of a long thread that is never scrolled is never wrapped further."""
        width = self.scrollable_content_region.width
        self._strips.clear()
        if width <= 0:
            return  # not laid out yet: on_resize wraps
        lines = self._lines
        lines.set_width(width)
        lines.wrap_until(round(self.scroll_y) + self.scrollable_content_region.height + 1)
        self._size_to(lines)
        self.refresh()

    def _resize_after_render(self) -> None:
        self._resize_scheduled = False
        self._size_to(self._lines)

    def _size_to(self, lines: WrappedText) -> None:
        """Make the scrollable area as tall as `lines`, without a layout of the whole screen
        (`virtual_size` would ask for one, ~25 ms at 160x48): the pane keeps its size, and the
        scrollbar is always shown; only its thumb changes."""
        size = Size(lines.width, lines.height)
        if size != self.virtual_size:
            self.set_reactive(ThreadView.virtual_size, size)
            self._scroll_update(size)

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._lines.width:
            self._wrap_for_screen()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._base_style = None
        self._style_map = None
        if self.is_mounted and self._styles() != self._drawn_styles:
            self._drawn_styles = {}  # the theme changed: draw the thread again
            self.show_ticket(self._wanted)

    def action_scroll_end(self) -> None:
        # the end is only known once every line is wrapped
        if not self._lines.complete and self._lines.width > 0:
            self._lines.wrap_until(None)
            self._size_to(self._lines)
        self.call_after_refresh(self.scroll_end, animate=False)

    # --- rendering ----------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._base_style is None:
            self._base_style = self.rich_style
        base = self._base_style
        index = round(self.scroll_y) + y
        selected = self._selected_span(index)
        strip = self._strips.get(index) if selected is None else None
        if strip is None or strip.cell_length != width:
            line = self._lines.line(index)  # wraps up to it when scrolled into view
            if self._lines.height != self.virtual_size.height and not self._resize_scheduled:
                self._resize_scheduled = True  # not while rendering: after this frame
                self.call_later(self._resize_after_render)
            if line is None:
                return Strip.blank(width, base)
            if selected is not None:
                line = line.stylize(self._selection_style(), *selected)
            segments = [
                Segment(segment.text, base + segment.style if segment.style else base)
                for segment in line.render_segments()
            ]
            # offsets: where each cell is in the text, for selecting with the mouse
            strip = Strip(segments).adjust_cell_length(width, base).apply_offsets(0, index)
            if selected is None:
                self._strips[index] = strip
        return strip

    # --- selecting text with the mouse --------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text, from the wrapped lines (the coordinates the offsets give)."""
        self._lines.wrap_until(None)
        return selection.extract("\n".join(line.plain for line in self._lines.lines)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._strips.clear()
        self.refresh()

    def _selected_span(self, index: int) -> tuple[int, int] | None:
        selection = self.text_selection
        if selection is None or (span := selection.get_span(index)) is None:
            return None
        start, end = span
        line = self._lines.line(index)
        return start, (len(line.plain) if line is not None and end == -1 else end)

    def _selection_style(self) -> VisualStyle:
        return VisualStyle.from_rich_style(
            self.screen.get_component_rich_style("screen--selection")
        )


class WrappedText:
    """A text's lines wrapped to one width, paragraph by paragraph, as far as asked.

    `height` is exact once `complete`; before, each unwrapped paragraph counts as its length
    over the width, rounded up (a word wrap takes about that many: a few more where words do not
    fill a line, one fewer where a break swallows spaces). It is corrected as lines are wrapped."""

    def __init__(self, content: Content) -> None:
        self.paragraphs = content.split(allow_blank=True)
        self.width = 0
        self.lines: list[Content] = []
        self._next = 0  # the first paragraph not wrapped yet
        self._estimates: list[int] = []
        self._estimated = 0  # the estimates of the paragraphs not wrapped yet, summed

    def set_width(self, width: int) -> None:
        if width != self.width:
            self.width = width
            self.lines = []
            self._next = 0
            self._estimates = [
                max(1, -(-paragraph.cell_length // width)) for paragraph in self.paragraphs
            ]
            self._estimated = sum(self._estimates)

    @property
    def complete(self) -> bool:
        return self._next >= len(self.paragraphs)

    @property
    def height(self) -> int:
        return len(self.lines) + self._estimated

    def wrap_until(self, count: int | None) -> None:
        """Wrap paragraphs until there are `count` lines (None: all of them)."""
        while not self.complete and (count is None or len(self.lines) < count):
            self._wrap_next()

    def line(self, index: int) -> Content | None:
        """Line `index` at the current width, wrapping up to it first; None past the end."""
        if self.width <= 0:
            return None
        self.wrap_until(index + 1)
        return self.lines[index] if index < len(self.lines) else None

    def _wrap_next(self) -> None:
        self.lines.extend(self.paragraphs[self._next].wrap(self.width))
        self._estimated -= self._estimates[self._next]
        self._next += 1
