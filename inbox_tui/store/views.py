"""Read queries for the inbox views: a window of tickets, one ticket, one thread.

Every query is small and indexed (see tests/test_tui.py::test_views_use_indexes): the TUI asks
for a page of rows at a time and never loads a whole table.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from inbox_tui.domain.tickets import TICKET_STATUSES
from inbox_tui.store.db import Store
from inbox_tui.store.outbox import FAILED_UNANSWERED

VIEWS: tuple[str, ...] = ("all", *TICKET_STATUSES)
"""The ticket views, in the order the TUI numbers them (1–5)."""

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


@dataclass(frozen=True, slots=True)
class TicketRow:
    """One ticket as the list shows it."""

    id: int
    channel: str
    status: str
    subject: str  # the customer's question when the marketplace wrote the subject (tickets.title)
    customer_name: str
    customer_email: str
    created_at: str
    last_message_at: str
    message_count: int
    unread_count: int
    snippet: str
    flagged: bool
    priority: int
    tags: tuple[str, ...] = ()
    has_draft: bool = False  # a reply is being written (drafts table)
    outbox: str = ""  # its replies not yet sent: "failed" (one at least), "waiting", or ""


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One message of a thread, without its raw bytes or attachment contents."""

    id: int
    direction: str  # "in" (from the customer) | "out" (the seller's reply)
    from_name: str
    from_addr: str
    to: tuple[tuple[str, str], ...]
    date: str
    subject: str
    text: str
    parse_error: str | None
    attachments: tuple[tuple[str, str, int], ...] = ()  # (filename, content_type, size)


TICKET_COLUMNS = f"""
    t.id, t.channel, t.status, coalesce(t.title, t.subject) AS subject,
    coalesce(c.name, '') AS customer_name, coalesce(c.email, '') AS customer_email,
    t.created_at, t.last_message_at, t.message_count, t.unread_count, t.snippet,
    t.flagged, t.priority,
    EXISTS (SELECT 1 FROM drafts d WHERE d.ticket_id = t.id) AS has_draft,
    (SELECT max(o.status = 'failed') FROM outbox o
     WHERE o.ticket_id = t.id
       AND (o.status IN ('queued', 'sending') OR ({FAILED_UNANSWERED}))) AS outbox_state
"""
"""The columns of a ticket row. The draft and outbox marks are a primary-key lookup in drafts and
an outbox_by_ticket lookup per row (and one more per failed reply, to see whether a later reply
answered in its place): a page of 60 rows costs ~120 index probes, not a scan."""


CHANNEL_VIEW = "channel:"
TAG_VIEW = "tag:"
"""Prefixes of the views by channel ("channel:amazon") and by tag ("tag:wrong size"). They hold
the tickets that are not closed: views are the work; closed ones are found by search
(`channel:amazon status:closed`, `tag:refund`: a search filters by status only when asked)."""

NOT_CLOSED = "status <> 'closed'"  # as written in the partial index tickets_not_closed


def _view_filter(view: str) -> tuple[str, tuple[str, ...]]:
    """The WHERE clause (with its parameters) selecting a view's tickets."""
    if view == "all":
        return "", ()
    if view in VIEWS:
        return "WHERE status = ?", (view,)
    if view.startswith(CHANNEL_VIEW):
        return f"WHERE channel = ? AND {NOT_CLOSED}", (view.removeprefix(CHANNEL_VIEW),)
    if view.startswith(TAG_VIEW):
        # the tag's tickets from the ticket_tags_by_tag index, not a walk over every ticket
        return (
            "WHERE id IN (SELECT tt.ticket_id FROM ticket_tags tt"
            f" WHERE tt.tag_id = (SELECT g.id FROM tags g WHERE g.name = ?)) AND {NOT_CLOSED}",
            (view.removeprefix(TAG_VIEW),),
        )
    raise ValueError(
        f"unknown view {view!r}; expected one of {', '.join(VIEWS)}, channel:NAME or tag:NAME"
    )


def count_tickets(store: Store, view: str = "all") -> int:
    """How many tickets `view` holds."""
    if view.startswith(TAG_VIEW):
        return int(
            store.conn.execute(
                f"""SELECT count(*) FROM ticket_tags tt JOIN tickets t ON t.id = tt.ticket_id
                    WHERE tt.tag_id = (SELECT id FROM tags WHERE name = ?) AND t.{NOT_CLOSED}""",
                (view.removeprefix(TAG_VIEW),),
            ).fetchone()[0]
        )
    where, params = _view_filter(view)
    return int(store.conn.execute(f"SELECT count(*) FROM tickets {where}", params).fetchone()[0])


def count_by_view(store: Store) -> dict[str, int]:
    """Ticket counts for every view, in one pass over the status index."""
    counts = dict.fromkeys(VIEWS, 0)
    for status, count in store.conn.execute("SELECT status, count(*) FROM tickets GROUP BY status"):
        counts[status] = count
        counts["all"] += count
    return counts


def count_by_channel(store: Store) -> dict[str, int]:
    """How many tickets each channel's view holds (not closed), for the channels that have
    any: one pass over the partial index tickets_not_closed."""
    return dict(
        store.conn.execute(
            f"SELECT channel, count(*) FROM tickets WHERE {NOT_CLOSED} GROUP BY channel"
        ).fetchall()
    )


def top_tags(store: Store, limit: int = 10) -> list[tuple[str, int]]:
    """The `limit` tags on most tickets not closed, with those counts (what their views hold;
    ties in name order). Read from the tickets not closed (tickets_not_closed) and their tags:
    the work, not the history; starting from ticket_tags read every closed ticket's tags too,
    4x slower at 100k tickets (123 ms, against 32 with 42,000 of them not closed)."""
    return [
        (name, count)
        for name, count in store.conn.execute(
            f"""
            SELECT g.name, count(*) AS n
            FROM tickets t INDEXED BY tickets_not_closed
            JOIN ticket_tags tt ON tt.ticket_id = t.id JOIN tags g ON g.id = tt.tag_id
            WHERE t.{NOT_CLOSED}
            GROUP BY tt.tag_id ORDER BY n DESC, g.name LIMIT ?
            """,
            (max(0, limit),),
        )
    ]


def list_tickets(
    store: Store, view: str = "all", offset: int = 0, limit: int = 100
) -> list[TicketRow]:
    """A window of `view`, newest `last_message_at` first (ties: highest id first)."""
    where, params = _view_filter(view)
    # The page's ids come from the covering (status,) last_message_at, id index; only those
    # rows are then joined, so a large OFFSET walks index entries, not ticket rows.
    return page_rows(
        store,
        f"""SELECT id FROM tickets {where}
            ORDER BY last_message_at DESC, id DESC LIMIT ? OFFSET ?""",
        (*params, max(0, limit), max(0, offset)),
        "t.last_message_at DESC, t.id DESC",
    )


def page_rows(
    store: Store, page_sql: str, params: Sequence[object], order_by: str
) -> list[TicketRow]:
    """Ticket rows (with customer and tags) for the page of ids `page_sql` selects, in
    `order_by` order. Every list of the TUI (views, Due, search) is read through here."""
    rows = store.conn.execute(
        f"""
        WITH page AS ({page_sql})
        SELECT {TICKET_COLUMNS}
        FROM page JOIN tickets t ON t.id = page.id
        LEFT JOIN customers c ON c.id = t.customer_id
        ORDER BY {order_by}
        """,
        params,
    ).fetchall()
    tags = tags_for(store, [row["id"] for row in rows])
    return [ticket_row(row, tags.get(row["id"], ())) for row in rows]


def get_ticket(store: Store, ticket_id: int) -> TicketRow | None:
    """One ticket with its tags, or None if there is no such ticket."""
    row = store.conn.execute(
        f"""
        SELECT {TICKET_COLUMNS}
        FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
        WHERE t.id = ?
        """,
        (ticket_id,),
    ).fetchone()
    if row is None:
        return None
    return ticket_row(row, tags_for(store, [ticket_id]).get(ticket_id, ()))


def ticket_position(
    store: Store, view: str, ticket_id: int, count: int | None = None
) -> int | None:
    """The index of a ticket in `view` (as `list_tickets` orders it), or None if not in it.

    The index is a count of the rows before it: linear in the position. With the view's
    `count` known, at most half the view is counted: the rows before it up to half, else
    the rows after it (the Due view's first ticket, the oldest waiting, is near the end of
    Open and All: 100k rows counted, 6.5 ms, became a few)."""
    where, params = _view_filter(view)
    where = f"{where} AND" if where else "WHERE"
    ticket = store.conn.execute(
        f"SELECT last_message_at FROM tickets {where} id = ?", (*params, ticket_id)
    ).fetchone()
    if ticket is None:
        return None
    key = (ticket["last_message_at"], ticket_id)
    if count is None:
        return int(
            store.conn.execute(
                f"SELECT count(*) FROM tickets {where} (last_message_at, id) > (?, ?)",
                (*params, *key),
            ).fetchone()[0]
        )
    half = count // 2
    before: int = store.conn.execute(
        f"""SELECT count(*) FROM (SELECT 1 FROM tickets {where} (last_message_at, id) > (?, ?)
            LIMIT ?)""",
        (*params, *key, half + 1),
    ).fetchone()[0]
    if before <= half:
        return before
    after: int = store.conn.execute(
        f"SELECT count(*) FROM tickets {where} (last_message_at, id) < (?, ?)",
        (*params, *key),
    ).fetchone()[0]
    return max(0, count - 1 - after)


def ticket_messages(store: Store, ticket_id: int) -> list[MessageRow]:
    """A ticket's messages, oldest first, each with its attachments' names and sizes."""
    attachments: dict[int, list[tuple[str, str, int]]] = {}
    for row in store.conn.execute(
        """
        SELECT a.message_id, a.filename, a.content_type, a.size
        FROM messages m JOIN attachments a ON a.message_id = m.id
        WHERE m.ticket_id = ?
        ORDER BY a.message_id, a.id
        """,
        (ticket_id,),
    ):
        attachments.setdefault(row["message_id"], []).append(
            (row["filename"], row["content_type"], row["size"])
        )
    rows = store.conn.execute(
        """
        SELECT id, direction, from_name, from_addr, to_addrs, date, subject, text, parse_error
        FROM messages WHERE ticket_id = ?
        ORDER BY date, id
        """,
        (ticket_id,),
    )
    return [
        MessageRow(
            id=row["id"],
            direction=row["direction"],
            from_name=row["from_name"],
            from_addr=row["from_addr"],
            to=_addresses(row["to_addrs"]),
            date=row["date"],
            subject=row["subject"],
            text=row["text"],
            parse_error=row["parse_error"],
            attachments=tuple(attachments.get(row["id"], ())),
        )
        for row in rows
    ]


def list_tags(store: Store) -> list[str]:
    """Every tag name, in name order (ignoring case), for the tag picker."""
    return [name for (name,) in store.conn.execute("SELECT name FROM tags ORDER BY name")]


def tag_counts(store: Store, ticket_ids: list[int]) -> dict[str, int]:
    """How many of the given tickets carry each tag (tags carried by none are left out)."""
    counts: dict[str, int] = {}
    for start in range(0, len(ticket_ids), _CHUNK):
        for names in tags_for(store, ticket_ids[start : start + _CHUNK]).values():
            for name in names:
                counts[name] = counts.get(name, 0) + 1
    return counts


@dataclass(frozen=True, slots=True)
class TicketState:
    """The toggleable state of one ticket, read before a toggle decides which way to go."""

    status: str
    flagged: bool
    unread_count: int
    priority: int


def ticket_states(store: Store, ticket_ids: list[int]) -> dict[int, TicketState]:
    """Status, flag, unread count and priority of the given tickets (by primary key)."""
    states: dict[int, TicketState] = {}
    for start in range(0, len(ticket_ids), _CHUNK):
        chunk = ticket_ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(
            f"SELECT id, status, flagged, unread_count, priority FROM tickets WHERE id IN ({marks})",
            chunk,
        ):
            states[row["id"]] = TicketState(
                row["status"], bool(row["flagged"]), row["unread_count"], row["priority"]
            )
    return states


def tags_for(store: Store, ticket_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """Tag names of the given tickets, in one query over the ticket_tags primary key."""
    if not ticket_ids:
        return {}
    marks = ",".join("?" * len(ticket_ids))
    tags: dict[int, list[str]] = {}
    for ticket_id, name in store.conn.execute(
        f"""
        SELECT tt.ticket_id, tg.name
        FROM ticket_tags tt JOIN tags tg ON tg.id = tt.tag_id
        WHERE tt.ticket_id IN ({marks})
        ORDER BY tt.ticket_id, tg.name COLLATE NOCASE
        """,
        ticket_ids,
    ):
        tags.setdefault(ticket_id, []).append(name)
    return {ticket_id: tuple(names) for ticket_id, names in tags.items()}


def ticket_row(row: sqlite3.Row, tags: tuple[str, ...]) -> TicketRow:
    return TicketRow(
        id=row["id"],
        channel=row["channel"],
        status=row["status"],
        subject=row["subject"],
        customer_name=row["customer_name"],
        customer_email=row["customer_email"],
        created_at=row["created_at"],
        last_message_at=row["last_message_at"],
        message_count=row["message_count"],
        unread_count=row["unread_count"],
        snippet=row["snippet"],
        flagged=bool(row["flagged"]),
        priority=row["priority"],
        tags=tags,
        has_draft=bool(row["has_draft"]),
        outbox=_OUTBOX_STATES[row["outbox_state"]],
    )


# max(status = 'failed') over the ticket's unsent replies: NULL when there are none
_OUTBOX_STATES = {None: "", 0: "waiting", 1: "failed"}


def _addresses(value: str) -> tuple[tuple[str, str], ...]:
    """[[name, address], …] JSON as stored; anything malformed yields what can be read."""
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    out: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            out.append((str(item[0] or ""), str(item[1] or "")))
        elif isinstance(item, str):
            out.append(("", item))
    return tuple(out)


def other_tickets(store: Store, ticket_id: int, limit: int = 5) -> tuple[int, list[TicketRow]]:
    """The same customer's other tickets: how many there are, and the newest `limit` of them."""
    row = store.conn.execute(
        "SELECT customer_id FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    if row is None or row["customer_id"] is None:
        return 0, []
    customer = row["customer_id"]
    count = store.conn.execute(
        "SELECT count(*) FROM tickets WHERE customer_id = ? AND id != ?", (customer, ticket_id)
    ).fetchone()[0]
    rows = page_rows(
        store,
        """SELECT id FROM tickets WHERE customer_id = ? AND id != ?
           ORDER BY last_message_at DESC LIMIT ?""",
        (customer, ticket_id, max(0, limit)),
        "t.last_message_at DESC, t.id DESC",
    )
    return count, rows


def outbox_waiting(store: Store) -> int:
    """Replies queued, or failed and not answered since, not yet accepted by a server (the
    status line shows them)."""
    return int(
        store.conn.execute(
            f"""SELECT count(*) FROM outbox o
            WHERE o.status IN ('queued', 'sending') OR ({FAILED_UNANSWERED})"""
        ).fetchone()[0]
    )
