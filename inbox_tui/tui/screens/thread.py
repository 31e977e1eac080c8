"""The thread screen: one ticket's thread with the customer panel beside it; Escape or q goes back.

Triage keys ask for their action on this ticket (the main screen has every action, in one
place); closing or marking pending goes back to the list, where the cursor moves on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen

from inbox_tui.sla import DEFAULT_POLICY, SlaPolicy
from inbox_tui.store.db import Store
from inbox_tui.tui.keymap import bindings
from inbox_tui.tui.messages import (
    AttachmentsRequested,
    OutboxChanged,
    ReplyRequested,
    ResendRequested,
    TicketsChanged,
    TriageRequested,
)
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
        if action == "close_tickets":  # a draft waits: ask here, then close and go back
            question = unsent_drafts_question(self.store, [self.ticket_id])
            if question is not None:

                def answered(yes: bool | None) -> None:
                    if yes:
                        self.post_message(TriageRequested([self.ticket_id], "close_tickets_anyway"))
                        self.dismiss()

                self.app.push_screen(ConfirmScreen(question, yes="Close", no="Keep open"), answered)
                return
        self.post_message(TriageRequested([self.ticket_id], action))
        if action in LEAVES:
            self.dismiss()

    def action_reply(self) -> None:
        self.post_message(ReplyRequested(self.ticket_id))

    def action_resend(self) -> None:
        """Send this ticket's failed reply again (see InboxApp.resend_failed)."""
        self.post_message(ResendRequested(self.ticket_id))

    def action_save_attachments(self) -> None:
        self.post_message(AttachmentsRequested(self.ticket_id))

    @on(OutboxChanged)
    def _outbox_changed(self) -> None:
        self.refresh_ticket()  # a reply sent or failed: its mark in the thread

    @on(TicketsChanged)
    def _tickets_changed(self, fact: TicketsChanged) -> None:
        if self.ticket_id in fact.ticket_ids:
            self.refresh_ticket()

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
