"""The reads behind `inbox-tui stats` and the stats screen: tickets of a period, their first
inbound message and first answer, tags, and the backlog now. Each is one indexed query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from inbox_tui.store.db import Store, format_time, parse_time


@dataclass(frozen=True, slots=True)
class PeriodTicket:
    id: int
    channel: str
    first_inbound: datetime | None  # when the customer first wrote (None: the seller began)
    first_answer: datetime | None  # the seller's first message after that, if any
    first_text: str  # the customer's first message, for "what they ask about"
    status: str
    created: datetime | None = None  # the ticket's first message, either direction
    first_message: int | None = None  # messages.id of the customer's first message


def tickets_started(
    store: Store,
    start: datetime,
    end: datetime,
    *,
    text: int = 1500,
    answers: bool = True,
    last_from: datetime | None = None,
    last_before: datetime | None = None,
) -> list[PeriodTicket]:
    """Tickets whose first message falls in [start, end), with first inbound and first answer
    (and the first `text` characters of the customer's first message; 0: none). `answers`
    False: first_answer is not read (None), for a caller that never looks at it: its
    subquery was ~3/4 of this read's time at 17,000 tickets. `last_from`, `last_before`: only
    those whose last message falls in [last_from, last_before) (either end open when None),
    to read a period in steps, each ticket in one of them.

    Reads tickets through `tickets_by_time` (a ticket started in the period has its last
    message after the start) and each ticket's messages through `messages_by_ticket`."""
    last_from = max(start, last_from) if last_from is not None else start
    before = "" if last_before is None else "AND t.last_message_at < :last_before"
    rows = store.conn.execute(
        f"""SELECT t.id, t.channel, t.status, t.created_at, f.id AS first_id, f.date AS first_in,
                  CASE WHEN :text > 0 THEN substr(f.text, 1, :text) END AS first_text,
                  CASE WHEN :answers THEN (SELECT min(a.date) FROM messages a
                    WHERE a.ticket_id = t.id AND a.direction = 'out' AND a.date >= f.date)
                   END AS first_answer
             FROM tickets t
             LEFT JOIN messages f ON f.id = (
                  SELECT m.id FROM messages m WHERE m.ticket_id = t.id AND m.direction = 'in'
                   ORDER BY m.date, m.id LIMIT 1)
            WHERE t.last_message_at >= :last_from {before}
              AND t.created_at >= :start AND t.created_at < :end""",
        {
            "start": format_time(start),
            "end": format_time(end),
            "text": text,
            "answers": answers,
            "last_from": format_time(last_from),
            "last_before": format_time(last_before) if last_before is not None else None,
        },
    ).fetchall()
    return [
        PeriodTicket(
            id=row["id"],
            channel=row["channel"],
            first_inbound=parse_time(row["first_in"]) if row["first_in"] else None,
            first_answer=parse_time(row["first_answer"]) if row["first_answer"] else None,
            first_text=row["first_text"] or "",
            status=row["status"],
            created=parse_time(row["created_at"]),
            first_message=row["first_id"],
        )
        for row in rows
    ]


def replies_sent(store: Store, start: datetime, end: datetime) -> int:
    """The seller's messages dated in [start, end). Found through their tickets (a ticket with
    a message in the period was active after its start: `tickets_by_time`, then
    `messages_by_ticket`): messages has no index by date, and a scan of it took 120-145 ms at
    100,000 messages, against 17-21 ms."""
    count: int = store.conn.execute(
        """SELECT count(*) FROM tickets t JOIN messages m ON m.ticket_id = t.id
            WHERE t.last_message_at >= :start AND m.date >= :start AND m.date < :end
              AND m.direction = 'out'""",
        {"start": format_time(start), "end": format_time(end)},
    ).fetchone()[0]
    return count


def tag_counts(store: Store, ticket_ids: list[int]) -> dict[str, int]:
    """How many of these tickets carry each tag."""
    counts: dict[str, int] = {}
    for begin in range(0, len(ticket_ids), 500):
        chunk = ticket_ids[begin : begin + 500]
        marks = ",".join("?" * len(chunk))
        for name, count in store.conn.execute(
            f"""SELECT g.name, count(*) FROM ticket_tags t JOIN tags g ON g.id = t.tag_id
                 WHERE t.ticket_id IN ({marks}) GROUP BY g.name""",
            chunk,
        ):
            counts[name] = counts.get(name, 0) + count
    return counts


@dataclass(frozen=True, slots=True)
class Backlog:
    open: int
    pending: int
    snoozed: int
    overdue: int  # open and past its due time


def backlog(store: Store, now: datetime) -> Backlog:
    """The tickets open, pending and snoozed now, and how many open ones are overdue; counted
    from indexes (tickets_by_status_time, tickets_due) without reading a ticket's row. Only
    those statuses' ranges of the index are read: the closed tickets (all but a few thousand
    of a decade's 333,000) were counted too, 40-50 ms at a million messages, for nothing."""
    conn = store.conn
    counts = dict(
        conn.execute(
            """SELECT status, count(*) FROM tickets
                WHERE status IN ('open', 'pending', 'snoozed') GROUP BY status"""
        ).fetchall()
    )
    overdue = conn.execute(  # late as sla.is_late says: now after the due time
        """SELECT count(*) FROM tickets INDEXED BY tickets_due
            WHERE status = 'open' AND due_at IS NOT NULL AND due_at < ?""",
        (format_time(now),),
    ).fetchone()[0]
    return Backlog(
        open=counts.get("open", 0),
        pending=counts.get("pending", 0),
        snoozed=counts.get("snoozed", 0),
        overdue=overdue,
    )
