"""The outbox view: every reply waiting (held for undo, or for a retry), failed, or sent in the
last days, newest first; cancel one back to draft, edit it in the composer, resend a failed one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from inbox_tui.sanitize import readable_line
from inbox_tui.store.db import Store, format_time, parse_time
from inbox_tui.store.outbox import OutboxEntry, recent_outbox
from inbox_tui.store.reply_files import outbox_files
from inbox_tui.times import age_label, clock_label
from inbox_tui.tui.keymap import bindings, key_hint
from inbox_tui.tui.messages import OutboxChanged, OutboxEdited, ReplyRequested, TicketsChanged
from inbox_tui.tui.widgets.header import InboxHeader
from inbox_tui.tui.widgets.key_footer import KeyFooter

SENT_DAYS = 7  # sent replies stay in the view this long


def entry_state(entry: OutboxEntry, now: datetime, tz: tzinfo) -> tuple[str, str]:
    """(mark and word, style): "◷ held 8s", "◷ retry 14:05 CET", "✗ failed", "✓ sent 3m"."""
    if entry.status == "queued":
        due = parse_time(entry.next_attempt_at) if entry.next_attempt_at else None
        if due is not None and due > now and not entry.attempts:
            seconds = max(1, int((due - now).total_seconds() + 0.999))
            return f"◷ held {seconds}s", "bold"
        if due is not None and due > now:
            return f"◷ retry {clock_label(due, tz)}", "yellow"
        return "◷ waiting", "yellow"
    if entry.status == "sending":
        return "↻ sending", "yellow"
    if entry.status == "failed":
        return "✗ failed", "bold red"
    when = age_label(entry.sent_at, now, tz) if entry.sent_at else ""
    return f"✓ sent {when}".rstrip(), "green"


class OutboxScreen(Screen[None]):
    """The replies of the outbox, one line each, the highlighted one's detail below."""

    BINDINGS = bindings("outbox")

    def __init__(self, store: Store, *, now: Callable[[], datetime], tz: tzinfo) -> None:
        super().__init__()
        self.store = store
        self.now = now
        self.tz = tz
        self.entries: list[OutboxEntry] = []

    def compose(self) -> ComposeResult:
        yield InboxHeader()
        yield OptionList(id="outbox-list")
        yield Static(Text(""), id="outbox-detail")
        yield KeyFooter()

    @property
    def options(self) -> OptionList:
        return self.query_one("#outbox-list", OptionList)

    def on_mount(self) -> None:
        self.sub_title = "Outbox"
        self.reload()
        self.options.focus()
        self.set_interval(1.0, self._tick)  # "held 8s" counts down

    def _tick(self) -> None:
        if any(e.status in ("queued", "sending") for e in self.entries):
            self.reload()

    def reload(self) -> None:
        keep = self.current.id if self.current else None
        since = format_time(self.now() - timedelta(days=SENT_DAYS))
        self.entries = recent_outbox(self.store, since)
        options = self.options
        highlighted = options.highlighted
        options.clear_options()
        if not self.entries:
            options.add_option(
                Option(
                    Text(
                        "The outbox is empty: no reply waits, failed or went"
                        f" out in the last {SENT_DAYS} days",
                        "dim",
                    ),
                    disabled=True,
                )
            )
            self._show_detail()
            return
        options.add_options([Option(self._line(entry)) for entry in self.entries])
        index = next((i for i, e in enumerate(self.entries) if e.id == keep), highlighted or 0)
        options.highlighted = min(index, len(self.entries) - 1)
        self._show_detail()

    def _line(self, entry: OutboxEntry) -> Text:
        state, style = entry_state(entry, self.now(), self.tz)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f"{state:<14}", style)
        line.append(f" #{entry.ticket_id:<5} ")
        line.append(readable_line(", ".join(entry.to) or "?")[:28], "bold")
        line.append("  ")
        line.append(readable_line(entry.text)[:120], "dim")
        return line

    @property
    def current(self) -> OutboxEntry | None:
        if not self.entries:
            return None
        index = self.query_one("#outbox-list", OptionList).highlighted
        return self.entries[index] if index is not None and index < len(self.entries) else None

    def on_option_list_option_highlighted(self, _: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        entry = self.current
        detail = Text()
        if entry is None:
            self.query_one("#outbox-detail", Static).update(detail)
            return
        detail.append(f"Reply #{entry.id} to ticket #{entry.ticket_id}", "bold")
        files = outbox_files(self.store, entry.id)
        if files:
            detail.append(" · attached: " + ", ".join(readable_line(f.filename) for f in files))
        if entry.last_error:
            detail.append("\n")
            detail.append(readable_line(entry.last_error), "red")
        detail.append("\n")
        detail.append(self._hint(entry), "dim")
        self.query_one("#outbox-detail", Static).update(detail)

    def _hint(self, entry: OutboxEntry) -> str:
        cancel, edit = key_hint("outbox.cancel_reply"), key_hint("outbox.edit_reply")
        if entry.status == "queued":
            return f"{cancel}: cancel (back to draft, ticket reopened) · {edit}: edit it"
        if entry.status == "failed":
            resend = key_hint("outbox.resend_reply")
            return f"{resend}: send it again · {edit}: edit its draft"
        return ""

    # --- actions ---------------------------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.options.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.options.action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)

    def _tell(self, line: str, *, error: bool = False) -> None:
        self.notify(line, severity="warning" if error else "information", markup=False)

    def _take_back(self, entry: OutboxEntry) -> bool:
        from inbox_tui import replies

        try:
            replies.take_back(self.store, entry.id, at=self.now())
        except replies.ReplyRefused as refused:
            self._tell(str(refused), error=True)
            return False
        self.post_message(OutboxEdited())
        return True

    def action_cancel_reply(self) -> None:
        entry = self.current
        if entry is None:
            return
        if self._take_back(entry):
            self._tell(f"Cancelled reply #{entry.id}: it is the draft of #{entry.ticket_id} again")
            self.reload()

    def action_edit_reply(self) -> None:
        """Open the composer on the reply: a queued one is taken back first (it will not go
        as it was); a failed one's text is the draft already."""
        entry = self.current
        if entry is None:
            return
        if entry.status == "queued" and not self._take_back(entry):
            return
        if entry.status in ("sent", "sending"):
            self._tell(f"reply #{entry.id} is {entry.status}: nothing to edit", error=True)
            return
        self.post_message(ReplyRequested(entry.ticket_id))

    def action_resend_reply(self) -> None:
        entry = self.current
        if entry is None:
            return
        from inbox_tui import replies

        try:
            replies.resend(self.store, entry.id)
        except replies.ReplyRefused as refused:
            self._tell(str(refused), error=True)
            return
        self._tell(f"Reply #{entry.id} is back in the outbox: sending it again")
        self.post_message(OutboxEdited())
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    @on(OutboxChanged)
    @on(TicketsChanged)
    def _outbox_changed(self) -> None:
        if self.is_current:
            self.reload()
