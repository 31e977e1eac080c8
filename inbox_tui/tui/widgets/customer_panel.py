"""The customer panel beside a thread: who writes, their orders, their other tickets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.widgets import Static

from inbox_tui.sanitize import readable_line
from inbox_tui.store.db import Store
from inbox_tui.store.orders import Order, orders_for_ticket
from inbox_tui.store.views import get_ticket, other_tickets
from inbox_tui.times import age_label, day_label
from inbox_tui.tui.messages import OrdersRefreshed, OrdersRefreshing, OrdersWanted

if TYPE_CHECKING:  # the HTTP side is imported by the worker, not at start-up
    from inbox_tui.marketplaces.orders import RefreshOutcome

SHOWN_ORDERS = 5
SHOWN_ITEMS = 4


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.2f} {currency or ''}".strip()


def _order_lines(order: Order, text: Text, tz: tzinfo) -> None:
    head = [order.order_number]
    if order.placed_at:
        head.append(day_label(order.placed_at, tz))
    if order.status:
        head.append(order.status)
    if order.total is not None:
        head.append(_money(order.total, order.currency))
    text.append(
        ("● " if order.linked else "○ ") + " · ".join(head) + "\n", "bold" if order.linked else ""
    )
    for item in order.items[:SHOWN_ITEMS]:
        text.append(f"    {item.quantity}× {item.title}\n")
    if len(order.items) > SHOWN_ITEMS:
        text.append(f"    … {len(order.items) - SHOWN_ITEMS} more items\n", "dim")
    if order.tracking_number:
        carrier = f"{order.carrier} " if order.carrier else ""
        text.append(f"    {carrier}{order.tracking_number}\n", "dim")
    if order.tracking_url:
        text.append(f"    {order.tracking_url}\n", "dim")


def customer_text(
    store: Store,
    ticket_id: int,
    now: datetime,
    order_notes: Sequence[str] = (),
    tz: tzinfo = UTC,
) -> Text:
    """The panel's content, built from plain strings only (names and titles come from mail).
    `order_notes` are shown dimly under the Orders heading ("refreshing orders…", errors);
    dates are the seller's days (`tz`)."""
    text = Text(end="")
    ticket = get_ticket(store, ticket_id)
    if ticket is None:
        return text
    name = readable_line(ticket.customer_name)  # older stores: see sanitize.readable_line
    text.append((name or ticket.customer_email or "Unknown customer") + "\n", "bold")
    if ticket.customer_email and name:
        text.append(ticket.customer_email + "\n", "dim")
    text.append(f"via {ticket.channel}\n", "dim")

    orders = orders_for_ticket(store, ticket_id, limit=SHOWN_ORDERS)
    text.append("\nOrders\n", "bold underline")
    for note in order_notes:
        text.append(f"  {note}\n", "dim")
    if not orders:
        text.append("  none known\n", "dim")
    for order in orders:
        _order_lines(order, text, tz)

    count, others = other_tickets(store, ticket_id)
    text.append(f"\nOther tickets ({count})\n", "bold underline")
    if not count:
        text.append("  none\n", "dim")
    for other in others:
        text.append(
            f"  #{other.id} {other.status} · {age_label(other.last_message_at, now, tz)} · ",
            "dim",
        )
        text.append(readable_line(other.subject) or "(no subject)")
        text.append("\n")
    if count > len(others):
        text.append(f"  … {count - len(others)} more\n", "dim")
    return text


class CustomerPanel(Static):
    """Shows `customer_text` for one ticket; refreshed when the ticket changes.

    Opening a ticket also asks for its orders to be refreshed from the shops (OrdersWanted):
    the app does it in a worker when the config names order providers and the cached ones are
    older than `orders.refresh_after_minutes`, and tells the panel, which redraws itself.
    """

    def __init__(
        self,
        store: Store,
        *,
        now: Callable[[], datetime],
        tz: tzinfo = UTC,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.store = store
        self.now = now
        self.tz = tz  # the seller's time zone: order dates are their days
        self.ticket_id: int | None = None
        self.order_notes: list[str] = []
        self._refreshed: set[int] = set()  # asked once per opening; the cache does the rest

    def show_ticket(self, ticket_id: int) -> None:
        if ticket_id != self.ticket_id:
            self.order_notes = []
        self.ticket_id = ticket_id
        if ticket_id not in self._refreshed:
            self._refreshed.add(ticket_id)
            # sent by the panel: Textual stops a message at the node it came from, and
            # show_ticket runs in its screen's handlers
            self.post_message(OrdersWanted(self, ticket_id).set_sender(self))
        self._redraw()

    def _redraw(self) -> None:
        if self.ticket_id is not None:
            self.update(
                customer_text(self.store, self.ticket_id, self.now(), self.order_notes, self.tz)
            )

    @on(OrdersRefreshing)
    def _refreshing(self, fact: OrdersRefreshing) -> None:
        if fact.ticket_id == self.ticket_id:
            self.order_notes = [REFRESHING]
            self._redraw()

    @on(OrdersRefreshed)
    def _refreshed_orders(self, fact: OrdersRefreshed) -> None:
        if fact.ticket_id != self.ticket_id or not self.is_mounted:
            return
        self.order_notes = _notes(fact.outcome)
        self._redraw()


REFRESHING = "refreshing orders…"


def _notes(outcome: RefreshOutcome) -> list[str]:
    """What the panel says after a refresh: nothing when all went well; offline quietly."""
    others = [error for error in outcome.errors if error not in outcome.unreachable]
    if outcome.offline:
        return ["offline: showing the orders saved earlier", *others]
    return others
