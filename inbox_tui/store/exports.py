"""Reading tickets with their messages in id order, a page at a time, for `inbox-tui export`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from inbox_tui.store.db import Store

PAGE = 500


def _address(name: str, email: str) -> dict[str, str]:
    return {"name": name, "email": email}


def _flags(row: Any) -> list[str]:
    """`seen`, `answered`, `flagged` as set, then the IMAP keywords: what the server has."""
    names = [name for name in ("seen", "answered", "flagged") if row[name]]
    value: list[str] = names + json.loads(row["keywords"])
    return value


def iter_ticket_records(store: Store, *, with_messages: bool = True) -> Iterator[dict[str, Any]]:
    """Every ticket as a plain dict (the export format), oldest id first; constant memory."""
    last_id = 0
    while True:
        tickets = store.conn.execute(
            """SELECT t.*, c.name AS customer_name, c.email AS customer_email
               FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
               WHERE t.id > ? ORDER BY t.id LIMIT ?""",
            (last_id, PAGE),
        ).fetchall()
        if not tickets:
            return
        ids = [row["id"] for row in tickets]
        marks = ",".join("?" * len(ids))
        tags: dict[int, list[str]] = {}
        for row in store.conn.execute(
            f"""SELECT tt.ticket_id, g.name FROM ticket_tags tt JOIN tags g ON g.id = tt.tag_id
                WHERE tt.ticket_id IN ({marks}) ORDER BY g.name COLLATE NOCASE""",
            ids,
        ):
            tags.setdefault(row[0], []).append(row[1])
        messages: dict[int, list[dict[str, Any]]] = {}
        if with_messages:
            for row in store.conn.execute(
                f"""SELECT ticket_id, message_id, from_name, from_addr, to_addrs, cc_addrs, date,
                           direction, subject, text, parse_error, seen, answered, flagged,
                           keywords, gone
                    FROM messages WHERE ticket_id IN ({marks}) ORDER BY ticket_id, date, id""",
                ids,
            ):
                messages.setdefault(row["ticket_id"], []).append(
                    {
                        "message_id": row["message_id"],
                        "from": _address(row["from_name"], row["from_addr"]),
                        "to": [_address(n, e) for n, e in json.loads(row["to_addrs"])],
                        "cc": [_address(n, e) for n, e in json.loads(row["cc_addrs"])],
                        "date": row["date"],
                        "direction": row["direction"],
                        "subject": row["subject"],
                        "text": row["text"],
                        "parse_error": row["parse_error"],
                        "flags": _flags(row),
                        "gone": bool(row["gone"]),
                    }
                )
        for row in tickets:
            record: dict[str, Any] = {
                "id": row["id"],
                "channel": row["channel"],
                "status": row["status"],
                "tags": tags.get(row["id"], []),
                "customer": {
                    "name": row["customer_name"] or "",
                    "email": row["customer_email"] or "",
                },
                "subject": row["subject"],
                "order_number": row["order_number"],
                "priority": row["priority"],
                "flagged": bool(row["flagged"]),
                "created_at": row["created_at"],
                "last_message_at": row["last_message_at"],
                "message_count": row["message_count"],
                "unread_count": row["unread_count"],
            }
            if with_messages:
                record["messages"] = messages.get(row["id"], [])
            yield record
        last_id = ids[-1]
