"""Orders from the shops and marketplaces, tied to customers and tickets for the order context panel."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from inbox_tui.sanitize import clean_line
from inbox_tui.store.actions import atomic
from inbox_tui.store.db import Store, format_time, parse_time, utc_now

ORDER_CHANNELS = (
    "amazon",
    "ebay",
    "etsy",
    "shopify",
    "walmart",
)  # providers that are also channels
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
) -> int:
    """Insert an order, or update the one with the same (provider, order_number); returns its id.

    On update, an argument left as None (or empty items/data) keeps what is stored: a provider
    that does not report tracking does not wipe tracking learned earlier. The customer is found
    by lower-cased email and created when missing.
    """
    provider = (provider or "").strip().lower()
    order_number = (order_number or "").strip()
    if not provider:
        raise ValueError("an order needs a provider (amazon, ebay, shopify, woocommerce, …)")
    if not order_number:
        raise ValueError(f"a {provider} order needs an order number")
    if total is not None and not isinstance(total, int | float):
        raise ValueError(f"order {order_number}: total must be a number, not {total!r}")
    item_list = [_item_record(order_number, item) for item in items]
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
        "fetched_at": _time(fetched_at) or utc_now(),
        "data": json.dumps(dict(data), ensure_ascii=False, default=str) if data else None,
    }
    with atomic(store) as conn:
        values["customer_id"] = _customer_for(
            conn, customer_email, customer_name, provider, values["fetched_at"]
        )
        conn.execute(
            """INSERT INTO orders (provider, order_number, customer_id, placed_at, status, total, currency,
                   items, carrier, tracking_number, tracking_url, shipped_at, fetched_at, data)
               VALUES (:provider, :order_number, :customer_id, :placed_at, :status, :total, :currency,
                   coalesce(:items, '[]'), :carrier, :tracking_number, :tracking_url, :shipped_at,
                   :fetched_at, coalesce(:data, '{}'))
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
                   data = coalesce(:data, data)""",
            values,
        )
        row = conn.execute(
            "SELECT id FROM orders WHERE provider = ? AND order_number = ?",
            (provider, order_number),
        ).fetchone()
    return row[0]


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


# --- helpers ------------------------------------------------------------------------------


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
    conn: sqlite3.Connection, email: str | None, name: str | None, provider: str, now: str
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
        return row["id"]
    channel = provider if provider in ORDER_CHANNELS else "email"
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
    )
