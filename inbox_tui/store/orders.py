"""Orders from the shops and marketplaces, tied to customers and tickets for the order context panel."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inbox_tui.domain.orders import FetchedOrder
from inbox_tui.sanitize import clean_line
from inbox_tui.store.actions import atomic
from inbox_tui.store.db import Store, format_time, parse_time, utc_now

DEFAULT_LIMIT = 20


@dataclass(frozen=True, slots=True)
class OrderItem:
    title: str
    sku: str = ""
    quantity: int = 1
    price: float | None = None  # unit price in the order's currency


@dataclass(frozen=True, slots=True)
class Order:
    id: int
    provider: str
    order_number: str
    customer_id: int | None
    placed_at: datetime | None
    status: str | None
    total: float | None
    currency: str | None
    items: tuple[OrderItem, ...]
    carrier: str | None
    tracking_number: str | None
    tracking_url: str | None
    shipped_at: datetime | None
    fetched_at: datetime
    data: Mapping[str, Any]
    linked: bool = (
        False  # linked to the ticket asked about (orders_for_ticket), not just the customer's
    )
    buyer_name: str | None = None  # the buyer's name as the order gives it (eBay: not the user id)


def upsert_order(
    store: Store,
    *,
    provider: str,
    order_number: str,
    customer_email: str | None = None,
    customer_name: str | None = None,
    placed_at: datetime | None = None,
    status: str | None = None,
    total: float | None = None,
    currency: str | None = None,
    items: Iterable[Mapping[str, Any]] = (),
    carrier: str | None = None,
    tracking_number: str | None = None,
    tracking_url: str | None = None,
    shipped_at: datetime | None = None,
    data: Mapping[str, Any] | None = None,
    fetched_at: datetime | None = None,
    customer_id: int | None = None,
    customer_channel: str | None = None,
) -> int:
    """Insert an order, or update the one with the same (provider, order_number); returns its id.

    On update, an argument left as None (or empty items/data) keeps what is stored: a provider
    that does not report tracking does not wipe tracking learned earlier. The customer is
    `customer_id` when given, else found by lower-cased email and created when missing, on
    `customer_channel` (None: the provider's name; a marketplace is a channel). Text
    from the provider is hostile like mail, so it is cleaned here, where it enters the store.
    """
    provider = (provider or "").strip().lower()
    order_number = clean_line(order_number or "")
    status, carrier = _clean(status), _clean(carrier)
    tracking_number, tracking_url = _clean(tracking_number), _clean(tracking_url)
    currency = _clean(currency)
    if not provider:
        raise ValueError("an order needs a provider (amazon, ebay, shopify, woocommerce, …)")
    if not order_number:
        raise ValueError(f"a {provider} order needs an order number")
    if total is not None and not isinstance(total, int | float):
        raise ValueError(f"order {order_number}: total must be a number, not {total!r}")
    item_list = [_item_record(order_number, item) for item in items]
    fetched = _time(fetched_at) or utc_now()
    values = {
        "provider": provider,
        "order_number": order_number,
        "placed_at": _time(placed_at),
        "status": status,
        "total": float(total) if total is not None else None,
        "currency": currency.upper() if currency else None,
        "items": json.dumps(item_list, ensure_ascii=False) if item_list else None,
        "carrier": carrier,
        "tracking_number": tracking_number,
        "tracking_url": tracking_url,
        "shipped_at": _time(shipped_at),
        "fetched_at": fetched,
        "data": json.dumps(dict(data), ensure_ascii=False, default=str) if data else None,
        "buyer_name": clean_line(customer_name or "") or None,
    }
    with atomic(store) as conn:
        values["customer_id"] = customer_id or _customer_for(
            conn, customer_email, customer_name, customer_channel or provider, fetched
        )
        conn.execute(
            """INSERT INTO orders (provider, order_number, customer_id, placed_at, status, total, currency,
                   items, carrier, tracking_number, tracking_url, shipped_at, fetched_at, data,
                   buyer_name)
               VALUES (:provider, :order_number, :customer_id, :placed_at, :status, :total, :currency,
                   coalesce(:items, '[]'), :carrier, :tracking_number, :tracking_url, :shipped_at,
                   :fetched_at, coalesce(:data, '{}'), :buyer_name)
               ON CONFLICT (provider, order_number) DO UPDATE SET
                   customer_id = coalesce(excluded.customer_id, customer_id),
                   placed_at = coalesce(:placed_at, placed_at),
                   status = coalesce(:status, status),
                   total = coalesce(:total, total),
                   currency = coalesce(:currency, currency),
                   items = coalesce(:items, items),
                   carrier = coalesce(:carrier, carrier),
                   tracking_number = coalesce(:tracking_number, tracking_number),
                   tracking_url = coalesce(:tracking_url, tracking_url),
                   shipped_at = coalesce(:shipped_at, shipped_at),
                   fetched_at = :fetched_at,
                   data = coalesce(:data, data),
                   buyer_name = coalesce(:buyer_name, buyer_name)""",
            values,
        )
        row = conn.execute(
            "SELECT id FROM orders WHERE provider = ? AND order_number = ?",
            (provider, order_number),
        ).fetchone()
    return int(row[0])


def link_ticket_order(store: Store, ticket_id: int, order_id: int) -> bool:
    """Tie an order to a ticket; False when they were tied already."""
    with atomic(store) as conn:
        for table, key in (("tickets", ticket_id), ("orders", order_id)):
            if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (key,)).fetchone() is None:
                raise ValueError(f"no {table[:-1]} with id {key}")
        cursor = conn.execute(
            "INSERT OR IGNORE INTO ticket_orders (ticket_id, order_id) VALUES (?, ?)",
            (ticket_id, order_id),
        )
    return cursor.rowcount > 0


def link_orders_by_number(store: Store) -> int:
    """Tie every ticket that names an order number to the orders with that number; returns new links."""
    with atomic(store) as conn:
        cursor = conn.execute(
            """INSERT OR IGNORE INTO ticket_orders (ticket_id, order_id)
               SELECT t.id, o.id FROM tickets AS t
               JOIN orders AS o ON o.order_number = t.order_number
               WHERE t.order_number IS NOT NULL"""
        )
    return max(cursor.rowcount, 0)


def orders_for_ticket(store: Store, ticket_id: int, limit: int = DEFAULT_LIMIT) -> list[Order]:
    """The ticket's own orders first, then the customer's other orders; each group newest first."""
    conn = store.conn
    linked = conn.execute(
        """SELECT o.* FROM ticket_orders AS t JOIN orders AS o ON o.id = t.order_id
           WHERE t.ticket_id = ? ORDER BY o.placed_at DESC, o.id DESC LIMIT ?""",
        (ticket_id, limit),
    ).fetchall()
    orders = [_order(row, linked=True) for row in linked]
    customer = conn.execute("SELECT customer_id FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
    if customer is not None and customer[0] is not None and len(orders) < limit:
        known = {order.id for order in orders}
        for order in orders_for_customer(store, customer[0], limit=limit):
            if order.id not in known and len(orders) < limit:
                orders.append(order)
    return orders


def orders_for_customer(store: Store, customer_id: int, limit: int = DEFAULT_LIMIT) -> list[Order]:
    """A customer's orders, newest first."""
    rows = store.conn.execute(
        "SELECT * FROM orders WHERE customer_id = ? ORDER BY placed_at DESC LIMIT ?",
        (customer_id, limit),
    ).fetchall()
    return [_order(row) for row in rows]


# --- orders fetched from a provider for a ticket -------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderLookup:
    """What the store knows about a ticket that order providers can search by."""

    ticket_id: int
    channel: str
    subject: str
    customer_id: int | None
    email: str | None
    username: str | None  # the buyer's marketplace user name (eBay)
    order_number: str | None  # the marketplace order number the thread names (Amazon, eBay)


def order_lookup(store: Store, ticket_id: int) -> OrderLookup | None:
    """The ticket's channel, customer and order number; None for an unknown ticket."""
    row = store.conn.execute(
        """SELECT t.id, t.channel, t.subject, t.customer_id, t.order_number,
                  c.email, c.marketplace_user
           FROM tickets AS t LEFT JOIN customers AS c ON c.id = t.customer_id
           WHERE t.id = ?""",
        (ticket_id,),
    ).fetchone()
    if row is None:
        return None
    return OrderLookup(
        ticket_id=row["id"],
        channel=row["channel"],
        subject=row["subject"] or "",
        customer_id=row["customer_id"],
        email=row["email"] or None,
        username=row["marketplace_user"] or None,
        order_number=row["order_number"] or None,
    )


def _checked_source(provider: str) -> str:
    # Which provider was asked about what, and when, lives in sync_state beside the mail
    # sources' positions: source "orders:<provider>", folder the lookup key ("email:…").
    return f"orders:{provider}"


def orders_checked_at(store: Store, provider: str, key: str) -> datetime | None:
    """When `provider` was last asked about `key` and answered, or None if never."""
    row = store.conn.execute(
        "SELECT updated_at FROM sync_state WHERE source = ? AND folder = ?",
        (_checked_source(provider), key),
    ).fetchone()
    return parse_time(row[0]) if row else None


def save_fetched_orders(
    store: Store,
    lookup: OrderLookup,
    provider: str,
    key: str,
    orders: Sequence[FetchedOrder],
    *,
    fetched_at: datetime,
    by_number: bool = False,
) -> list[int]:
    """Store what `provider` answered about `key` for a ticket, in one transaction: the orders
    (tied to the ticket's customer), their links to the ticket, and when it was asked.

    An order is tied to the ticket when the provider was asked by order number (`by_number`),
    when it is the ticket's order number, or when the ticket's subject names it ("#1001").
    Returns the stored orders' ids.
    """
    ids = []
    with atomic(store) as conn:
        for order in orders:
            order_id = upsert_order(
                store,
                provider=order.provider,
                order_number=order.order_number,
                customer_email=None if lookup.customer_id else order.buyer_email,
                customer_name=order.buyer_name,
                customer_id=lookup.customer_id,
                customer_channel=lookup.channel,
                placed_at=order.placed_at,
                status=order.status,
                total=order.total,
                currency=order.currency,
                items=[
                    {
                        "title": line.title,
                        "sku": line.sku,
                        "quantity": line.quantity,
                        "price": line.price,
                    }
                    for line in order.items
                    if line.title
                ],
                carrier=order.carrier,
                tracking_number=order.tracking_number,
                tracking_url=order.tracking_url,
                shipped_at=order.shipped_at,
                data=order.data,
                fetched_at=fetched_at,
            )
            ids.append(order_id)
            if by_number or _names_order(lookup, order.order_number):
                conn.execute(
                    "INSERT OR IGNORE INTO ticket_orders (ticket_id, order_id) VALUES (?, ?)",
                    (lookup.ticket_id, order_id),
                )
        conn.execute(
            """INSERT INTO sync_state (source, folder, updated_at) VALUES (?, ?, ?)
               ON CONFLICT (source, folder) DO UPDATE SET updated_at = excluded.updated_at""",
            (_checked_source(provider), key, format_time(fetched_at)),
        )
    return ids


def _names_order(lookup: OrderLookup, number: str) -> bool:
    """The ticket is about this order: its own order number, or its subject names it."""
    number = clean_line(number)
    if lookup.order_number and number == lookup.order_number:
        return True
    bare = number.lstrip("#")
    if len(bare) < 3:  # "#12" in a subject is more likely a size or a count than an order
        return False
    return re.search(rf"(?<![\w-])#?{re.escape(bare)}(?![\w-])", lookup.subject) is not None


# --- helpers ------------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    return clean_line(value) if value else value


def _time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        raise ValueError(f"expected a datetime, not {moment!r}")
    return format_time(moment)


def _item_record(order_number: str, item: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(item, Mapping) or not item.get("title"):
        raise ValueError(f"order {order_number}: every item needs a title, got {item!r}")
    quantity = item.get("quantity", 1)
    price = item.get("price")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError(
            f"order {order_number}: item quantity must be a whole number ≥ 0, not {quantity!r}"
        )
    if price is not None and (isinstance(price, bool) or not isinstance(price, int | float)):
        raise ValueError(f"order {order_number}: item price must be a number, not {price!r}")
    return {
        "title": clean_line(str(item["title"])),
        "sku": clean_line(str(item.get("sku") or "")),
        "quantity": quantity,
        "price": float(price) if price is not None else None,
    }


def _customer_for(
    conn: sqlite3.Connection, email: str | None, name: str | None, channel: str, now: str
) -> int | None:
    email = (email or "").strip().lower()
    if not email:
        return None
    row = conn.execute("SELECT id, name FROM customers WHERE email = ?", (email,)).fetchone()
    if row is not None:
        if name and not row["name"]:
            conn.execute(
                "UPDATE customers SET name = ? WHERE id = ?", (clean_line(name), row["id"])
            )
        value: int | None = row["id"]
        return value
    return conn.execute(
        "INSERT INTO customers (email, name, channel, created_at) VALUES (?, ?, ?, ?)",
        (email, clean_line(name or ""), channel, now),
    ).lastrowid


def _order(row: sqlite3.Row, *, linked: bool = False) -> Order:
    items = tuple(
        OrderItem(
            title=item.get("title", ""),
            sku=item.get("sku") or "",
            quantity=item.get("quantity", 1),
            price=item.get("price"),
        )
        for item in json.loads(row["items"] or "[]")
    )
    return Order(
        id=row["id"],
        provider=row["provider"],
        order_number=row["order_number"],
        customer_id=row["customer_id"],
        placed_at=parse_time(row["placed_at"]) if row["placed_at"] else None,
        status=row["status"],
        total=row["total"],
        currency=row["currency"],
        items=items,
        carrier=row["carrier"],
        tracking_number=row["tracking_number"],
        tracking_url=row["tracking_url"],
        shipped_at=parse_time(row["shipped_at"]) if row["shipped_at"] else None,
        fetched_at=parse_time(row["fetched_at"]),
        data=json.loads(row["data"] or "{}"),
        linked=linked,
        buyer_name=row["buyer_name"],
    )
