"""The reads and writes behind trends: what tickets are about (kept per first message), the
products of their orders, orders per product, and the unusual trends the seller has seen."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from inbox_tui.store.actions import atomic
from inbox_tui.store.db import Store, format_time, parse_time

CHUNK = 500  # ids per IN (...) list

# A product's key in an order line `j` (json_each over an order's items): its SKU, else its
# title (some shops have no SKUs). ORDER_ITEMS reads an order's items, broken JSON as none.
PRODUCT_KEY = """coalesce(nullif(trim(json_extract(j.value, '$.sku')), ''),
    trim(json_extract(j.value, '$.title')))"""
ORDER_ITEMS = "json_each(CASE WHEN json_valid(o.items) THEN o.items ELSE '[]' END) j"


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def known_topics(
    store: Store, message_ids: Iterable[int], matched_with: str
) -> dict[int, tuple[str, str | None]]:
    """message id → (topic, product) for the messages matched against `matched_with`."""
    found: dict[int, tuple[str, str | None]] = {}
    for chunk in _chunks(sorted(set(message_ids))):
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(
            f"""SELECT message_id, topic, product FROM message_topics
                 WHERE message_id IN ({marks}) AND matched_with = ?""",
            (*chunk, matched_with),
        ):
            found[row[0]] = (row[1], row[2])
    return found


def message_texts(store: Store, message_ids: Iterable[int], length: int) -> dict[int, str]:
    """message id → the first `length` characters of its readable text."""
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(message_ids))):
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(
            f"SELECT id, substr(text, 1, ?) FROM messages WHERE id IN ({marks})", (length, *chunk)
        ):
            found[row[0]] = row[1] or ""
    return found


def remember_topics(
    store: Store, topics: dict[int, tuple[str, str | None]], matched_with: str
) -> None:
    """Keep what messages are about (message id → (topic, product)), replacing older matches."""
    if not topics:
        return
    with atomic(store) as conn:
        conn.executemany(
            """INSERT INTO message_topics (message_id, topic, product, matched_with)
               VALUES (?, ?, ?, ?)
               ON CONFLICT (message_id) DO UPDATE SET topic = excluded.topic,
                   product = excluded.product, matched_with = excluded.matched_with""",
            [(mid, topic, product, matched_with) for mid, (topic, product) in topics.items()],
        )


def order_lines(store: Store) -> list[tuple[str, str, int]]:
    """Every product the stored orders name: (key, title, how many order lines name it so).
    Read from order_products (schema 13), which triggers on orders keep equal to counting
    every order's items (0.6 s of CPU at 150,000 orders)."""
    return [
        (row[0], row[1] or row[0], row[2])
        for row in store.conn.execute(
            "SELECT product, title, lines FROM order_products WHERE lines > 0"
            " ORDER BY product, title"
        )
    ]


def ticket_products(store: Store, ticket_ids: list[int]) -> dict[int, set[str]]:
    """ticket id → the product keys of its linked orders (and of the order its number names)."""
    found: dict[int, set[str]] = {}
    for chunk in _chunks(sorted(set(ticket_ids))):
        marks = ",".join("?" * len(chunk))
        rows = store.conn.execute(
            f"""SELECT x.ticket_id, {PRODUCT_KEY} FROM (
                    SELECT tor.ticket_id, tor.order_id FROM ticket_orders tor
                     WHERE tor.ticket_id IN ({marks})
                    UNION
                    SELECT t.id, o.id FROM tickets t JOIN orders o ON o.order_number = t.order_number
                     WHERE t.id IN ({marks}) AND t.order_number IS NOT NULL) x
                  JOIN orders o ON o.id = x.order_id, {ORDER_ITEMS}""",
            (*chunk, *chunk),
        )
        for ticket_id, product in rows:
            if product:
                found.setdefault(ticket_id, set()).add(product)
    return found


def orders_per_product(store: Store, start: datetime, end: datetime) -> dict[str, int]:
    """Product key → how many orders placed in [start, end) have it."""
    return {
        row[0]: row[1]
        for row in store.conn.execute(
            f"""SELECT {PRODUCT_KEY} AS product, count(DISTINCT o.id)
                  FROM orders o, {ORDER_ITEMS}
                 WHERE o.placed_at >= ? AND o.placed_at < ? AND product IS NOT NULL
                 GROUP BY 1""",
            (format_time(start), format_time(end)),
        )
    }


def ticket_tags(store: Store, ticket_ids: list[int]) -> dict[int, list[str]]:
    """ticket id → its tag names."""
    found: dict[int, list[str]] = {}
    for chunk in _chunks(sorted(set(ticket_ids))):
        marks = ",".join("?" * len(chunk))
        for ticket_id, name in store.conn.execute(
            f"""SELECT t.ticket_id, g.name FROM ticket_tags t JOIN tags g ON g.id = t.tag_id
                 WHERE t.ticket_id IN ({marks}) ORDER BY g.name""",
            chunk,
        ):
            found.setdefault(ticket_id, []).append(name)
    return found


def first_ticket_at(store: Store, *, not_before: datetime | None = None) -> datetime | None:
    """When the oldest ticket began (how much history the store has); with `not_before`, the
    later of that and `not_before` (None still for an empty store), which is all a caller
    that looks back no further needs: then one ticket older than `not_before` settles it,
    found among the first rows read (mail comes in oldest first), where min() reads every
    ticket (~130 ms of the stats' report at a decade of mail)."""
    if not_before is not None:
        older = store.conn.execute(
            "SELECT 1 FROM tickets WHERE created_at < ? LIMIT 1", (format_time(not_before),)
        ).fetchone()
        if older is not None:
            return not_before
    value = store.conn.execute("SELECT min(created_at) FROM tickets").fetchone()[0]
    oldest = parse_time(value) if value else None
    return oldest if oldest is None or not_before is None else max(oldest, not_before)


def newest_message_at(store: Store) -> datetime | None:
    """When the newest message of any ticket was written."""
    value = store.conn.execute("SELECT max(last_message_at) FROM tickets").fetchone()[0]
    return parse_time(value) if value else None


def seen_trends(store: Store, since: datetime) -> set[str]:
    """The trends the stats screen showed the seller at `since` or later."""
    return {
        row[0]
        for row in store.conn.execute(
            "SELECT trend FROM trends_seen WHERE seen_at >= ?", (format_time(since),)
        )
    }


def mark_trends_seen(store: Store, trends: Iterable[str], at: datetime) -> None:
    """The seller has seen these trends (on the stats screen) at `at`."""
    rows = [(trend, format_time(at)) for trend in trends]
    if not rows:
        return
    with atomic(store) as conn:
        conn.executemany(
            """INSERT INTO trends_seen (trend, seen_at) VALUES (?, ?)
               ON CONFLICT (trend) DO UPDATE SET seen_at = excluded.seen_at""",
            rows,
        )
