"""What the backlog chart replays: each ticket's status changes (from `events`) and message
times, for the tickets that moved since a moment; the ones that did not are only counted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from inbox_tui.store.db import Store, format_time, parse_time

CHUNK = 500  # ids per IN (...) list
STATUS_KINDS = ("status", "snooze")


@dataclass(frozen=True, slots=True)
class TicketHistory:
    """One ticket, as far as the backlog is concerned."""

    id: int
    channel: str
    created: datetime
    status: str  # now
    last_message: datetime
    changes: tuple[tuple[datetime, str, str], ...]  # (at, status before, status after), in order
    messages: tuple[tuple[datetime, bool], ...]  # (date, from the customer), in order
    due: datetime | None = None  # when it must be answered now (open and waiting only)


@dataclass(frozen=True, slots=True)
class QuietOpen:
    """Tickets open all along since a moment (no message, no status change since): how many,
    how many were already overdue then, and the due times of the others that have one."""

    count: int
    due: tuple[datetime, ...]
    overdue: int = 0


def backlog_history(store: Store, start: datetime) -> tuple[list[TicketHistory], QuietOpen]:
    """The tickets with a message or a status change at `start` or later, each with its whole
    history; and the open tickets untouched since `start`, counted as all open tickets less the
    moved ones (index-only counts: reading 36,000 open tickets' rows took ~190 ms)."""
    since = format_time(start)
    conn = store.conn
    changed = {
        row[0]
        for row in conn.execute(
            "SELECT DISTINCT ticket_id FROM events WHERE at >= ? AND kind IN ('status', 'snooze', 'undo')",
            (since,),
        )
    }
    moved = {
        row[0]
        for row in conn.execute("SELECT id FROM tickets WHERE last_message_at >= ?", (since,))
    }
    histories = _histories(store, sorted(changed | moved))
    active = {h.id for h in histories}
    still_open = [h for h in histories if h.status == "open"]
    opened = conn.execute("SELECT count(*) FROM tickets WHERE status = 'open'").fetchone()[0]
    late = conn.execute(f"SELECT count(*) FROM tickets {_DUE} AND due_at < ?", (since,)).fetchone()[
        0
    ]
    due = [
        parse_time(row[1])
        for row in conn.execute(f"SELECT id, due_at FROM tickets {_DUE} AND due_at >= ?", (since,))
        if row[0] not in active
    ]
    quiet = QuietOpen(
        opened - len(still_open),
        tuple(sorted(due)),
        late - sum(1 for h in still_open if h.due is not None and h.due < start),
    )
    return histories, quiet


# open tickets with a due time, read from their own index (due_at, id): no ticket row is read
_DUE = "INDEXED BY tickets_due WHERE status = 'open' AND due_at IS NOT NULL"


def _histories(store: Store, ids: list[int]) -> list[TicketHistory]:
    histories = []
    for begin in range(0, len(ids), CHUNK):
        chunk = ids[begin : begin + CHUNK]
        marks = ",".join("?" * len(chunk))
        messages: dict[int, list[tuple[datetime, bool]]] = {}
        for ticket_id, date, direction in store.conn.execute(
            f"""SELECT ticket_id, date, direction FROM messages
                 WHERE ticket_id IN ({marks}) ORDER BY ticket_id, date, id""",
            chunk,
        ):
            messages.setdefault(ticket_id, []).append((parse_time(date), direction == "in"))
        changes: dict[int, list[tuple[datetime, str, str]]] = {}
        for ticket_id, at, old, new in store.conn.execute(
            f"""SELECT e.ticket_id, e.at, e.old_value, e.new_value FROM events e
                 WHERE e.ticket_id IN ({marks})
                   AND (e.kind IN ('status', 'snooze')
                        OR e.kind = 'undo' AND e.batch_id IS NOT NULL AND EXISTS (
                           SELECT 1 FROM events o WHERE o.batch_id = e.batch_id
                              AND o.ticket_id = e.ticket_id AND o.kind IN ('status', 'snooze')))
                 ORDER BY e.ticket_id, e.at, e.id""",
            chunk,
        ):
            changes.setdefault(ticket_id, []).append((parse_time(at), _status(old), _status(new)))
        for row in store.conn.execute(
            f"""SELECT id, channel, created_at, status, last_message_at, due_at FROM tickets
                 WHERE id IN ({marks})""",
            chunk,
        ):
            histories.append(
                TicketHistory(
                    id=row[0],
                    channel=row[1],
                    created=parse_time(row[2]),
                    status=row[3],
                    last_message=parse_time(row[4]),
                    changes=tuple(changes.get(row[0], ())),
                    messages=tuple(messages.get(row[0], ())),
                    due=parse_time(row[5]) if row[5] else None,
                )
            )
    return histories


def _status(value: str | None) -> str:
    """'snoozed:2026-12-01T09:00:00Z' → 'snoozed' (events keep the wake time beside it)."""
    return (value or "").partition(":")[0]
