"""What the TUI's parts tell each other, as Textual messages: attributes down, messages up.

Intents go up: a screen or widget posts one, it bubbles to the app (which owns the workers
and the screens) and the app acts. Facts go down: the app posts one to each screen that is up
when something changed under them, and each screen shows what concerns it. No screen calls
the app by name or reaches into another screen (tests/test_tui_messages.py keeps it so);
docs/architecture.md has the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.widget import Widget

    from inbox_tui.marketplaces.orders import RefreshOutcome
    from inbox_tui.stats.unusual import Unusual

# --- intents: posted by screens and widgets, handled by the app -------------------------------


class ReplyRequested(Message):
    """Answer this ticket: the composer opens."""

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id


class ResendRequested(Message):
    """Put this ticket's newest failed reply back in the outbox and send it now."""

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id


class AttachmentsRequested(Message):
    """Save every attachment of this ticket (`ui.attachments_dir`)."""

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id


class TriageRequested(Message):
    """Run a ticket action of the main screen's (e.g. "close_tickets") on these tickets: the
    full-screen thread's keys act through the one place every action lives."""

    def __init__(self, ticket_ids: Sequence[int], action: str) -> None:
        super().__init__()
        self.ticket_ids, self.action = list(ticket_ids), action


class OutboxEdited(Message):
    """A screen took a reply back, resent or queued one (the outbox view, an undo): the app
    counts the outbox again, tells the screens (OutboxChanged) and sends what is due."""


class OrdersWanted(Message):
    """A customer panel shows this ticket: refresh its orders from the shops when they are
    stale; the answer (OrdersRefreshing, then OrdersRefreshed) goes to that panel."""

    def __init__(self, panel: Widget, ticket_id: int) -> None:
        super().__init__()
        self.panel, self.ticket_id = panel, ticket_id

    @property
    def control(self) -> Widget:
        return self.panel


class CustomerPanelToggled(Message):
    """The seller switched the customer panel beside the list on or off (`i`): the app keeps
    the choice for the next start."""

    def __init__(self, shown: bool) -> None:
        super().__init__()
        self.shown = shown


# --- facts: posted by the app to the screens, never bubbling back up --------------------------


class Fact(Message, bubble=False):
    """Something changed under the screens; each shows what concerns it (or ignores it).
    (Textual sets `bubble` anew for every subclass: each fact says bubble=False itself.)"""


class TicketsChanged(Fact, bubble=False):
    """Tickets changed outside the screen: a reply queued or resent, due times settled, a
    triage action from another screen. The list and the status line again; a screen showing
    one of `ticket_ids` (those known to have changed, if any) shows it again."""

    def __init__(self, ticket_ids: Sequence[int] = ()) -> None:
        super().__init__()
        self.ticket_ids = list(ticket_ids)


class SyncFinished(Fact, bubble=False):
    """A sync ended (with new mail or without): the list and the status line again."""


class OutboxChanged(Fact, bubble=False):
    """A send run ended: the outbox marks, the thread's replies and the status line again."""


class StatusChanged(Fact, bubble=False):
    """A sync or send started, or time passed ("synced 3m ago"): the status line again."""


class TicketsWoken(Fact, bubble=False):
    """Snoozed tickets woke up: the list again, its cursor on the same ticket."""

    def __init__(self, ticket_ids: Sequence[int]) -> None:
        super().__init__()
        self.ticket_ids = list(ticket_ids)


class TrendsFound(Fact, bubble=False):
    """This week's unusual trends the seller has not seen yet, most surprising first."""

    def __init__(self, trends: Sequence[Unusual]) -> None:
        super().__init__()
        self.trends = list(trends)


class TrendsSeen(Fact, bubble=False):
    """The stats screen has shown these trends: the inbox's line may leave them out."""

    def __init__(self, trends: frozenset[str]) -> None:
        super().__init__()
        self.trends = trends


class SearchAsked(Fact, bubble=False):
    """Show what `query` finds, as if typed in the search box (Enter on a line of the
    stats); `label` names it when the seller keeps it as a view."""

    def __init__(self, query: str, label: str) -> None:
        super().__init__()
        self.query, self.label = query, label


class OrdersRefreshing(Fact, bubble=False):
    """The shops are being asked for this ticket's orders (a worker)."""

    def __init__(self, ticket_id: int) -> None:
        super().__init__()
        self.ticket_id = ticket_id


class OrdersRefreshed(Fact, bubble=False):
    """The shops answered (or did not) for this ticket's orders; the store has what they said."""

    def __init__(self, ticket_id: int, outcome: RefreshOutcome) -> None:
        super().__init__()
        self.ticket_id, self.outcome = ticket_id, outcome
