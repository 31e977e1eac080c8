"""The customer panel beside a thread: who writes, their orders, their other tickets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.widgets import Static

from inbox_tui.store.db import Store
from inbox_tui.store.orders import Order, orders_for_ticket
from inbox_tui.store.views import get_ticket, other_tickets
from inbox_tui.tui.display import age_label

SHOWN_ORDERS = 5
SHOWN_ITEMS = 4


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.2f} {currency or ''}".strip()


def _order_lines(order: Order, text: Text) -> None:
    head = [order.order_number]
    if order.placed_at:
        head.append(f"{order.placed_at:%d %b %Y}")
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


def customer_text(store: Store, ticket_id: int, now: datetime) -> Text:
    """The panel's content, built from plain strings only (names and titles come from mail)."""
    text = Text(end="")
    ticket = get_ticket(store, ticket_id)
    if ticket is None:
        return text
    text.append(
        (ticket.customer_name or ticket.customer_email or "Unknown customer") + "\n", "bold"
    )
    if ticket.customer_email and ticket.customer_name:
        text.append(ticket.customer_email + "\n", "dim")
    text.append(f"via {ticket.channel}\n", "dim")

    orders = orders_for_ticket(store, ticket_id, limit=SHOWN_ORDERS)
    text.append("\nOrders\n", "bold underline")
    if not orders:
        text.append("  none known\n", "dim")
    for order in orders:
        _order_lines(order, text)

    count, others = other_tickets(store, ticket_id)
    text.append(f"\nOther tickets ({count})\n", "bold underline")
    if not count:
        text.append("  none\n", "dim")
    for other in others:
        text.append(
            f"  #{other.id} {other.status} · {age_label(other.last_message_at, now)} · ", "dim"
        )
        text.append(other.subject or "(no subject)")
        text.append("\n")
    if count > len(others):
        text.append(f"  … {count - len(others)} more\n", "dim")
    return text


class CustomerPanel(Static):
    """Shows `customer_text` for one ticket; refreshed when the ticket changes."""

    def __init__(self, store: Store, *, now: Callable[[], datetime], id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.now = now

    def show_ticket(self, ticket_id: int) -> None:
        self.update(customer_text(self.store, ticket_id, self.now()))
