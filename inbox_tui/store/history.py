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


@dataclass(frozen=True, slots=True)
class QuietOpen:
    """Tickets open all along since a moment (no message, no status change since): their number
    and their due times (those with one)."""

    count: int
    due: tuple[datetime, ...]


def backlog_history(store: Store, start: datetime) -> tuple[list[TicketHistory], QuietOpen]:
    """The tickets with a message or a status change at `start` or later, each with its whole
    history; and the open tickets untouched since `start`."""
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
    active = sorted(changed | moved)
    quiet_due: list[datetime] = []
    quiet = 0
    for row in conn.execute(
        "SELECT id, due_at FROM tickets WHERE status = 'open' AND last_message_at < ?", (since,)
    ):
        if row[0] in changed:
            continue
        quiet += 1
        if row[1]:
            quiet_due.append(parse_time(row[1]))
    return _histories(store, active), QuietOpen(quiet, tuple(sorted(quiet_due)))


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
            f"""SELECT id, channel, created_at, status, last_message_at FROM tickets
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
                )
            )
    return histories


def _status(value: str | None) -> str:
    """'snoozed:2026-12-01T09:00:00Z' → 'snoozed' (events keep the wake time beside it)."""
    return (value or "").partition(":")[0]
