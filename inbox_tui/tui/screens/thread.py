"""The thread screen: one ticket's thread with the customer panel beside it; Escape or q goes back.

Triage keys act on this ticket through the main screen (one place for every action); closing
or marking pending goes back to the list, where the cursor is already on the next ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen

from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.screens.confirm import ConfirmScreen, unsent_drafts_question
from inbox_tui.tui.widgets.customer_panel import CustomerPanel
from inbox_tui.tui.widgets.header import InboxHeader
from inbox_tui.tui.widgets.key_footer import KeyFooter
from inbox_tui.tui.widgets.thread_view import ThreadView

LEAVES = frozenset({"close_tickets", "close_tickets_anyway", "pending_tickets"})
"""Actions after which the thread screen goes back to the list."""


class ThreadScreen(Screen):
    """Reading one ticket, with the whole terminal for it."""

    BINDINGS = bindings("thread_screen")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # the customer panel needs room

    def __init__(
        self,
        store: Store,
        ticket_id: int,
        *,
        now: Callable[[], datetime],
        tz: tzinfo = UTC,
        sla: SlaPolicy = DEFAULT_POLICY,
    ) -> None:
        super().__init__()
        self.store = store
        self.ticket_id = ticket_id
        self.now = now
        self.tz = tz  # the seller's time zone, for every date and the due time
        self.sla = sla
        self._opened = False  # ScreenResume came once: later ones are returns from dialogs

    def compose(self) -> ComposeResult:
        yield InboxHeader()
        with Horizontal():
            yield ThreadView(
                self.store,
                now=self.now,
                tz=self.tz,
                sla=self.sla,
                max_body_chars=500_000,
                full_screen=True,
                id="thread",
            )
            with VerticalScroll(id="customer"):
                yield CustomerPanel(self.store, now=self.now, tz=self.tz)
        yield KeyFooter()

    def on_mount(self) -> None:
        thread = self.query_one(ThreadView)
        thread.show_ticket(self.ticket_id, immediately=True)
        thread.focus()
        self.query_one(CustomerPanel).show_ticket(self.ticket_id)
        self.sub_title = f"Ticket #{self.ticket_id}"

    def action_close(self) -> None:
        self.dismiss()

    def action_triage(self, action: str) -> None:
        main = self.app.screen_stack[0]
        act_on = getattr(main, "act_on", None)
        if act_on is None:
            return
        if action == "close_tickets":  # a draft waits: ask here, then close and go back
            question = unsent_drafts_question(self.store, [self.ticket_id])
            if question is not None:

                def answered(yes: bool | None) -> None:
                    if yes:
                        self.action_triage("close_tickets_anyway")

                self.app.push_screen(ConfirmScreen(question, yes="Close", no="Keep open"), answered)
                return
        act_on([self.ticket_id], action)
        if action in LEAVES:
            self.dismiss()
        else:
            self.query_one(ThreadView).refresh_ticket()
            self.query_one(CustomerPanel).show_ticket(self.ticket_id)

    def action_reply(self) -> None:
        open_composer = getattr(self.app, "open_composer", None)
        if open_composer is not None:
            open_composer(self.ticket_id)

    def action_resend(self) -> None:
        """Send this ticket's failed reply again (see InboxApp.resend_failed)."""
        resend = getattr(self.app, "resend_failed", None)
        if resend is not None and resend(self.ticket_id):
            self.refresh_ticket()

    def action_save_attachments(self) -> None:
        save = getattr(self.app, "save_attachments", None)
        if save is not None:
            save(self.ticket_id)

    def refresh_ticket(self) -> None:
        """Show what changed: a status, a tag, a reply sent or queued."""
        self.query_one(ThreadView).refresh_ticket()
        self.query_one(CustomerPanel).show_ticket(self.ticket_id)

    def on_screen_resume(self) -> None:
        # back from the snooze or tag dialog, or the composer: show what changed (the first
        # resume is the screen's opening, which on_mount has just drawn: the 50-message
        # thread of the benchmark was built twice, ~30 ms)
        if self._opened:
            self.refresh_ticket()
        self._opened = True
