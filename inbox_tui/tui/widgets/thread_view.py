"""The thread pane: one ticket's messages, oldest first, as plain (never markup) text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from inbox_tui.store.db import Store
from inbox_tui.store.views import MessageRow, TicketRow, get_ticket, ticket_messages
from inbox_tui.tui.display import date_label, size_label
from inbox_tui.tui.keymap import bindings

STYLE_NAMES = ("subject", "meta", "inbound", "outbound", "sender", "note", "attachment", "tag")


def _address(name: str, addr: str) -> str:
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
) -> Text:
    """The whole thread as one Text built from plain strings: nothing in it is parsed as markup."""
    text = Text(end="")
    text.append(ticket.subject or "(no subject)", styles["subject"])
    text.append("\n")
    customer = _address(ticket.customer_name, ticket.customer_email)
    count = f"{ticket.message_count} message" + ("" if ticket.message_count == 1 else "s")
    text.append(f"{customer} · {ticket.channel} · {ticket.status} · {count}", styles["meta"])
    for tag in ticket.tags:
        text.append(" #" + tag, styles["tag"])
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
        meta = date_label(message.date, now)
        if message.to:
            meta += " · to " + ", ".join(_address(name, addr) for name, addr in message.to)
        text.append(meta, styles["meta"])
        if message.subject and message.subject != ticket.subject:
            text.append("\nSubject: " + message.subject, styles["meta"])
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
    return text


class ThreadView(VerticalScroll, can_focus=True):
    """Shows one ticket's thread; `show_ticket` is cheap to call on every cursor move."""

    BINDINGS = bindings("thread")

    COMPONENT_CLASSES = {f"thread-view--{name}" for name in STYLE_NAMES}

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], datetime],
        max_body_chars: int = 20_000,
        placeholder: str = "Select a ticket to read its messages.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.now = now
        self.max_body_chars = max_body_chars
        self.placeholder = placeholder
        self.ticket_id: int | None = None  # the ticket shown
        self.plain = ""  # the text shown, for tests and copying
        self._wanted: int | None = None
        self._scheduled = False
        self._drawn_styles: dict[str, Style] = {}
        self._body = Static(Text(placeholder), classes="thread-body")

    def compose(self):
        yield self._body

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted and self._styles() != self._drawn_styles:
            self._drawn_styles = {}  # the theme changed: draw the thread again
            self.show_ticket(self._wanted)

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
            content = thread_text(
                ticket,
                ticket_messages(self.store, ticket.id),
                now=self.now(),
                styles=styles,
                max_body_chars=self.max_body_chars,
            )
        new_ticket = self.ticket_id != self._wanted
        self.ticket_id = ticket.id if ticket else None
        self._drawn_styles = styles
        self.plain = content.plain
        self._body.update(content)
        if new_ticket:
            self.scroll_home(animate=False)

    def _styles(self) -> dict[str, Style]:
        return {name: self.get_component_rich_style(f"thread-view--{name}") for name in STYLE_NAMES}
