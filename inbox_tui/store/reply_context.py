"""What a reply template can say about a ticket: customer, ticket, its order, the seller, today."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any, Protocol

from inbox_tui.sanitize import clean_line, clean_text
from inbox_tui.store.db import Store
from inbox_tui.store.orders import Order, orders_for_ticket
from inbox_tui.store.outbox import outbox_for_ticket
from inbox_tui.store.views import get_ticket


class SellerLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def signature(self) -> str: ...


def reply_context(
    store: Store, ticket_id: int, *, seller: SellerLike, today: date
) -> dict[str, Any]:
    """The template variables for a ticket (see inbox_tui.templates.CONTEXT_SCHEMA).

    `order` is the ticket's own (linked) order, else the customer's newest, and is absent when
    there is none; an unknown value is left out or empty, so a template reports it missing.
    Raises ValueError for an unknown ticket.
    """
    ticket = get_ticket(store, ticket_id)
    if ticket is None:
        raise ValueError(f"no ticket with id {ticket_id}")
    orders = orders_for_ticket(store, ticket_id, limit=1)
    name = greeting_name(clean_line(ticket.customer_name), orders[0] if orders else None)
    first = name.split()[0] if name and "@" not in name else ""
    context: dict[str, Any] = {
        "customer": {"name": name, "first_name": first, "email": ticket.customer_email},
        "ticket": {
            "subject": clean_line(ticket.subject),
            "channel": ticket.channel,
            "id": ticket.id,
        },
        "seller": {
            "name": clean_line(getattr(seller, "name", "") or ""),
            "signature": clean_text(getattr(seller, "signature", "") or "").rstrip("\n"),
        },
        "today": today,
    }
    if orders:
        zone: tzinfo | None = getattr(seller, "tzinfo", None)
        context["order"] = order_context(orders[0], zone)
    return context


def greeting_name(name: str, order: Order | None) -> str:
    """The name to greet the customer with: the order's buyer name when the ticket knows only
    a user id or an address ("hannah_j96" → "Hannah Jones"), else the ticket's."""
    buyer = clean_line(order.buyer_name or "") if order is not None else ""
    if buyer and (not name or "@" in name or " " not in name.strip()):
        return buyer
    return name


def order_context(order: Order, zone: tzinfo | None = None) -> dict[str, Any]:
    """One order as template variables; the total as text with two decimals ("49.90")."""
    placed = order.placed_at.astimezone(zone) if order.placed_at and zone else order.placed_at
    tracking = clean_line(order.tracking_number or "")
    return {
        "number": clean_line(order.order_number),
        "date": placed.date() if placed else None,
        "items": [
            {"title": clean_line(item.title), "quantity": item.quantity, "sku": item.sku}
            for item in order.items
        ],
        "total": f"{order.total:.2f}" if order.total is not None else None,
        "currency": order.currency,
        "tracking_number": tracking,
        "tracking": tracking,
        "tracking_url": clean_line(order.tracking_url or ""),
        "carrier": clean_line(order.carrier or ""),
        "status": clean_line(order.status or ""),  # as the shop says it ("FULFILLED")
        "shipped": bool(order.shipped_at or tracking),
    }


def last_inbound_text(store: Store, ticket_id: int) -> str:
    """The subject and text of the customer's newest message in a ticket ("" when none), the
    text template suggestions are ranked against."""
    row = store.conn.execute(
        """SELECT subject, text FROM messages WHERE ticket_id = ? AND direction = 'in'
           ORDER BY date DESC, id DESC LIMIT 1""",
        (ticket_id,),
    ).fetchone()
    return f"{row['subject'] or ''}\n{row['text'] or ''}" if row else ""


def conversation(store: Store, ticket_id: int, limit: int = 12) -> list[tuple[str, str, str]]:
    """The ticket's newest `limit` messages, oldest first, as (direction, subject, text): the
    customer's ("in") and the seller's ("out"), with the replies sent or waiting in the outbox
    that no synced Sent folder has brought in yet. What template suggestions read."""
    rows = store.conn.execute(
        """SELECT date, direction, subject, text, message_id FROM messages WHERE ticket_id = ?
           ORDER BY date DESC, id DESC LIMIT ?""",
        (ticket_id, limit),
    ).fetchall()
    known = {row["message_id"] for row in rows}
    said = [
        (row["date"], row["direction"], row["subject"] or "", row["text"] or "") for row in rows
    ]
    said += [
        (reply.sent_at or reply.created_at, "out", "", reply.text)
        for reply in outbox_for_ticket(store, ticket_id)
        if reply.status != "failed" and reply.message_id not in known
    ]
    return [(direction, subject, text) for _, direction, subject, text in sorted(said)[-limit:]]
